/**
 * Planted fake secrets (built from repeated fragments: none is a real key) and the
 * settings they appear in. Each case lists the secret parts that must not survive.
 */
export interface Planted {
  format: string;
  text: string;
  secrets: string[];
}

const alnum = (n: number, seed = 'aB3xK9qZ7mP2'): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const hex = (n: number): string => '9f3a1c7e5b2d8046'.repeat(Math.ceil(n / 16)).slice(0, n);

const openai = `sk-${alnum(48)}`;
const openaiProj = `sk-proj-${alnum(60, 'Qw8_eR5-tY2u')}`;
const anthropic = `sk-ant-api03-${alnum(80, 'Zx4-Cv7_Bn1m')}AA`;
const akia = `AKIA${'QX7TR2MZ4NV8KP3L'}`;
const asia = `ASIA${'B6WJ2Q9XH4RT7YEM'}`;
const awsSecret = `wJa${alnum(37, 'lrXU/tnFE+MI7K')}`;
const ghp = `ghp_${alnum(36)}`;
const ghs = `ghs_${alnum(36, 'Rt5yU8iO2pL4')}`;
const githubPat = `github_pat_11${alnum(20, 'ABCD3EFG5H')}_${alnum(59, 'kL9mN2pQ4rS6')}`;
const glpat = `glpat-${alnum(20, 'Xy7-Zw3_Vu')}`;
const slackBot = `xoxb-1234567890-1234567890123-${alnum(24)}`;
const slackHook = `https://hooks.slack.com/services/T0${alnum(8, 'A1B2C3D4')}/B0${alnum(8, 'E5F6G7H8')}/${alnum(24)}`;
const stripeLive = `sk_live_${alnum(24, 'r4Nd0mStR1pE')}`;
const stripeRestricted = `rk_live_${alnum(24, 'R3str1ct3dKy')}`;
const stripeTest = `sk_test_${alnum(24, 'T3stK3yV4lu')}`;
const google = `AIza${alnum(35, 'Sy8_kQ2-mZ5x')}`;
const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkZha2UifQ.${alnum(43, 'SflKxw-RJ_3j')}`;
const pemBody = `MIIEowIBAAKCAQEA${alnum(64, 'x3Fk9QzP1wLm')}\n${alnum(64, 'b7Yt2RnV8cJs')}\n${alnum(40, 'Hd4Ke6Wq0Ua5')}==`;
const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;
const openssh = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${alnum(60)}\n-----END OPENSSH PRIVATE KEY-----`;
const bearer = `ya${alnum(30, 'Tk7Bq2Lw9Xz4')}`;
const basic = 'ZGV2OnMzY3JldC1wYXNzd29yZA==';
const npm = `npm_${alnum(36, 'Np4Mt0K3nAb')}`;
const hf = `hf_${alnum(34, 'HuGgFaCe7Tk3')}`;
const sendgrid = `SG.${alnum(22, 'Sg1Kq-Z8_x')}.${alnum(43, 'Pw2Lm9Nb4Vc')}`;
const twilioSid = `SK${hex(32)}`;
const twilioToken = hex(32);
const azureKey = `${alnum(86, 'Az9+Ur3/Ek7Q')}==`;
const npmrcToken = `npm_${alnum(36, 'Rc5Nm2Pq8Ws')}`;

export const PLANTED: Planted[] = [
  { format: 'openai legacy in prose', text: `I set my key to ${openai} yesterday, is that why it fails?`, secrets: [openai] },
  { format: 'openai project key in env', text: `export OPENAI_API_KEY=${openaiProj}\nnpm test`, secrets: [openaiProj] },
  { format: 'anthropic key in JSON', text: `{"provider":"anthropic","apiKey":"${anthropic}"}`, secrets: [anthropic] },
  { format: 'aws access key id (AKIA) in shell', text: `aws configure set aws_access_key_id ${akia}`, secrets: [akia] },
  { format: 'aws session key id (ASIA) in prose', text: `the temporary id ${asia} expired`, secrets: [asia] },
  {
    format: 'aws credentials file',
    text: `[default]\naws_access_key_id = ${akia}\naws_secret_access_key = ${awsSecret}\nregion = eu-west-1`,
    secrets: [akia, awsSecret],
  },
  { format: 'github classic token in git remote', text: `git remote add origin https://${ghp}@github.com/acme/app.git`, secrets: [ghp] },
  { format: 'github app token in header', text: `curl -H "X-Token: ${ghs}" https://api.github.com/user`, secrets: [ghs] },
  { format: 'github fine-grained pat in env', text: `GH_TOKEN=${githubPat}`, secrets: [githubPat] },
  { format: 'gitlab pat in shell', text: `glab auth login --hostname gitlab.com --stdin <<< ${glpat}`, secrets: [glpat] },
  { format: 'slack bot token in YAML', text: `slack:\n  bot: ${slackBot}\n  channel: "#ops"`, secrets: [slackBot] },
  { format: 'slack webhook in prose', text: `Post to ${slackHook} when done.`, secrets: [slackHook.slice(30)] },
  {
    format: 'stripe live, restricted and test keys',
    text: `STRIPE_KEY=${stripeLive}\nconst r = "${stripeRestricted}";\nstripe.setKey('${stripeTest}')`,
    secrets: [stripeLive, stripeRestricted, stripeTest],
  },
  { format: 'google api key in URL', text: `GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key=${google}`, secrets: [google] },
  { format: 'jwt in prose', text: `The session cookie was ${jwt} and it decoded fine.`, secrets: [jwt.slice(0, 40), jwt.slice(-20)] },
  { format: 'pem rsa private key in file output', text: `$ cat id_rsa\n${pem}\n$ echo done`, secrets: [pemBody.slice(0, 30), pemBody.slice(-30)] },
  { format: 'openssh private key in JSON string', text: JSON.stringify({ output: openssh }), secrets: ['b3BlbnNzaC1rZXktdjEAAAAA'] },
  {
    format: 'authorization bearer header in curl',
    text: `curl -H 'Authorization: Bearer ${bearer}' https://api.example.com/v1/me`,
    secrets: [bearer],
  },
  { format: 'authorization basic header in JSON', text: `{"headers":{"Authorization":"Basic ${basic}"}}`, secrets: [basic] },
  { format: 'bearer token in prose', text: `use Bearer ${bearer}2 for the staging API`, secrets: [`${bearer}2`] },
  {
    format: 'password assignments: env, JSON, YAML, TOML, flag',
    text: [
      'DB_PASSWORD=Tr0ub4dor&3',
      '{"user":"admin","password":"c0rrect-h0rse"}',
      'db:\n  passwd: battery-staple-42\n',
      'secret = "s3cr3t-v4lue"',
      'mysql --password=Sup3rS3cret! -u root',
    ].join('\n'),
    secrets: ['Tr0ub4dor&3', 'c0rrect-h0rse', 'battery-staple-42', 's3cr3t-v4lue', 'Sup3rS3cret!'],
  },
  {
    format: 'token and api_key assignments',
    text: `token=${alnum(24, 'tK5vW8yZ1bC4')}\napi_key: "${alnum(32, 'aP1kE3yV5lU7')}"\nAPIKEY=${alnum(20, 'Ak9Pi4Ke2Yx')}`,
    secrets: [alnum(24, 'tK5vW8yZ1bC4'), alnum(32, 'aP1kE3yV5lU7'), alnum(20, 'Ak9Pi4Ke2Yx')],
  },
  {
    format: 'credentials in URLs (postgres, redis, https)',
    text: 'DATABASE_URL=postgres://app:Pg-p4ss-w0rd@db.internal:5432/app\nredis://default:r3d1s-S3cret@cache:6379/0\nhttps://deploy:D3pl0y-T0k@git.example.com/x.git',
    secrets: ['Pg-p4ss-w0rd', 'r3d1s-S3cret', 'D3pl0y-T0k'],
  },
  { format: 'npm token in .npmrc', text: `//registry.npmjs.org/:_authToken=${npmrcToken}\n`, secrets: [npmrcToken] },
  { format: 'npm token in prose', text: `publish with ${npm} please`, secrets: [npm] },
  { format: 'hugging face token in python', text: `login(token="${hf}")`, secrets: [hf] },
  { format: 'sendgrid key in env', text: `SENDGRID_API_KEY=${sendgrid}`, secrets: [sendgrid] },
  {
    format: 'twilio api key sid and auth token',
    text: `client = Client("${twilioSid}", api_secret)\nTWILIO_AUTH_TOKEN=${twilioToken}`,
    secrets: [twilioSid, twilioToken],
  },
  {
    format: 'azure storage connection string',
    text: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
    secrets: [azureKey],
  },
  {
    format: 'generic high-entropy value under a KEY name',
    text: `ENCRYPTION_KEY=${alnum(40, 'e7Hq2Wz9Lk4M')}\nsigning_key: '${alnum(32, 'Sg8Kn3Ym6Qp1')}'`,
    secrets: [alnum(40, 'e7Hq2Wz9Lk4M'), alnum(32, 'Sg8Kn3Ym6Qp1')],
  },
  {
    format: 'client secret in JSON config',
    text: `{"client_id":"web-app","client_secret":"${alnum(30, 'Cs7Xq2Lp9Vm4')}"}`,
    secrets: [alnum(30, 'Cs7Xq2Lp9Vm4')],
  },
  { format: 'curl basic auth', text: 'curl -u admin:Adm1n-P4ss https://jenkins.internal/api', secrets: ['Adm1n-P4ss'] },
  { format: 'escaped JSON inside a tool argument', text: JSON.stringify({ cmd: `echo '{"password": "Esc4ped-Pw"}'` }), secrets: ['Esc4ped-Pw'] },
  {
    format: 'JSON escaped twice (a command with JSON inside tool arguments)',
    text: JSON.stringify({ arguments: JSON.stringify({ cmd: `echo '{"password": "Tw1ce-Esc4ped"}'` }) }),
    secrets: ['Tw1ce-Esc4ped'],
  },
  {
    format: 'single-quoted value in a shell-quoted command line',
    text: `bash -lc 'echo signing_key: '\\''${alnum(28, 'Qs5Lk2Mn8Rt1')}'\\'''`,
    secrets: [alnum(28, 'Qs5Lk2Mn8Rt1')],
  },
];

/** ordinary text that must come through unchanged */
export const NEGATIVES: string[] = [
  'commit 1f3e5a7c9b2d4f6e8a0c1e3f5a7b9d2c4e6f8a0b Merge branch main',
  'session 019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b resumed; call_id call_Xk3p9QwL2mZ8',
  'ls -la /home/dev/.ssh/id_rsa.pub /usr/local/lib/node_modules/@openai/codex/bin/codex.js',
  'interface LoginForm { password: string; rememberMe: boolean; token?: Token }',
  'const token = await getToken(); const apiKey = process.env.OPENAI_API_KEY;',
  'password = request.form["password"]\nif password == "":\n    abort(400)',
  '{"max_tokens": 4096, "input_tokens": 1200, "token_count": 5, "cached_input_tokens": 0}',
  'const key = `${prefix}:${id}`; const sortKey = "name"; primary_key = id',
  'export PWD=/home/dev/work && export PATH=$HOME/bin:$PATH',
  'env:\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n  TOKEN: $GITHUB_TOKEN',
  'Set the Authorization header to your token; see https://docs.example.com/auth for details.',
  'ssh://git@github.com/acme/app.git and git@github.com:acme/app.git and https://github.com/acme/app',
  'docker run -u 1000:1000 -e HOME=/tmp node:20 npm test',
  'sha256: 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1a',
  'The tokenizer splits text into tokens; keyboard shortcuts use the Meta key.',
  'Bearer authentication is described in RFC 6750.',
  'diff --git a/src/keys.ts b/src/keys.ts\n+export const KEY_ORDER = ["a", "b"];',
];
