/**
 * Over-redaction traps: text of real sessions that sits next to credential words or looks
 * random but is no secret (UI strings under keys named password or token, validation messages,
 * git SHAs, UUIDs, hashes and digests, base64 images, paths, settings about secrets).
 * Redaction must leave every one unchanged.
 */
const png =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAABHNCSVQICAgIfAhkiAAAAAlwSFlzAAAOxAAADsQBlSsOGwAAABl0RVh0U29mdHdhcmUAd3d3Lmlua3NjYXBlLm9yZ5vuPBoAAAFTSURBVDiNpZO9SgNBFIW/2d0kJgQLQbAQLMQfSCGIhY2VT+ALWFn7CFZa+g52lj6AhYiFjYWIIIIQCFlIfoxJdnfGYhMTxRXBC7cZzjnfncsdo6o8p8wz8/wpAB4Pp9XUbOp2dFx/ZAqR5oCZpiCJ4aakdYEq4yRmlJJGyh1R/FbIVf5ik+jllvJmNu/hYGyurdhgpMsttfrkp2pjxGqWnZvl1R6eNjYLZuPAu0L39Ocp84o2smBt1R7wuUMvJn6pjSdjpIkaHTkNW0gTqn0Kx4yB8gwR4EQqMSBlRtmjZgiSzlQe3f2d5mbW7ubaxWL3oV9pKZWJ3UEq1hBlCojQJjGgkYR0nORB5LqjhbVxJqOlGiJxxnx4y8K6cbx8KeRL7/z7P2eOt8tcMn+8nOXJ6SIw6dbGDWGQJbC5w6PJjgAAAABJRU5ErkJggg==';

export const FP_CORPUS: string[] = [
  '{"password": "Password", "confirmPassword": "Confirm password", "forgotPassword": "Forgot your password?"}',
  '{"login": {"password": "Enter your password", "token": "Paste your access token here"}}',
  'password: "Must be at least 12 characters"',
  '"token": "Token expired, please sign in again."',
  '"apiKey": "API key", "apiKeyHelp": "Find it under Settings → API keys"',
  '"secret": "Keep this secret safe!"',
  "errors.password = 'Passwords do not match';",
  '<label for="password">Password</label><input type="password" name="password" placeholder="••••••••">',
  'commit 3f786850e387550fdab836ed7e6dc881de23001b\nAuthor: Dev <dev@example.com>',
  'git log --oneline: a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 fix token refresh',
  'token refresh fixed in 9c1185a5c5e9fc54612808977ee8f548b2258d31',
  '{"session_id": "0199a213-4977-7511-9be7-0a1d6b30ab23", "key": "6f1ed002-ab5c-4f1e-9a8b-1f2e3d4c5b6a"}',
  '"integrity": "sha512-Fq1bS7rHhQeWQ2Y0K5eV9dA9G5zQvU8yq7p1q9nq6Fz0m1+u3cC0z2H0k8O0Vn9Wk3yX0l+Q5F1Q3y1bq2Vf9w=="',
  'image: ghcr.io/acme/app@sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904a1b2c3d4e5f60718293a4b5c',
  'sha256sum: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt',
  `![chart](data:image/png;base64,${png})`,
  JSON.stringify({ type: 'input_image', image_url: `data:image/png;base64,${png}` }),
  'ls ~/.ssh: id_ed25519 id_ed25519.pub known_hosts config',
  'token_path: /var/run/secrets/kubernetes.io/serviceaccount/token',
  'PASSWORD_MIN_LENGTH=12\nTOKEN_TTL=3600\nAPI_KEY_HEADER=X-Api-Key',
  'cat /home/dev/projects/secret-santa/src/tokenizer/keys.ts',
  '--password-file /etc/app/db.pass --token-file ~/.config/app/token',
  'export PWD=/home/dev/lab/work OLDPWD=/home/dev',
  'const token = await getToken(); const password = req.body.password;',
  'if (!password) throw new Error("password required");',
  'The tokenizer splits "password123" into pass, word and 123 tokens.',
  'Use a key of 32 bytes; the key rotation runs nightly.',
  'keyof typeof SecretKind; type Token = { kind: TokenKind; text: string }',
  'secret_santa_v2 = SecretSantaMatcher(participants)',
  'SECRET_KEY=os.environ["DJANGO_SECRET_KEY"]',
  'Authorization: Bearer ${TOKEN}',
  'mysql -u root -p app_db < schema.sql',
  'docker run -p 8080:80 nginx && mkdir -p build && git add -p',
  'curl -b cookies.txt -c cookies.txt https://example.com',
  'The cookie banner says: Cookie: we use cookies to improve your experience',
  '<password>${DB_PASSWORD}</password>',
  'machine learning login flow: the password field is hidden',
  'src/components/PasswordStrengthMeter.tsx:42: const key = `${prefix}:${id}`;',
  'UserPasswordResetController#create',
  'data:\n  name: my-config\n  replicas: 3',
];
