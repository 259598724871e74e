/**
 * The wide leak corpus: over a hundred secret formats that are not in test/redact/corpus.ts,
 * written as they appear in real sessions (vendor tokens in prose, CLI transcripts, config
 * files of many syntaxes, headers, key files). Values are fake: drawn from a seeded generator,
 * so they look random (as real keys do) and are the same on every run.
 */
import type { Planted } from '../redact/corpus.js';

let seed = 0x5eed1234;
/** a deterministic pseudo-random string of n characters from `chars` */
function rand(n: number, chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    s += chars.charAt((seed >>> 8) % chars.length);
  }
  return s;
}
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOWER_NUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** one format: `make(secret)` is the text; the secret is what must not survive */
const f = (format: string, secret: string, make: (s: string) => string): Planted => ({ format, text: make(secret), secrets: [secret] });

/** a PEM block whose first body line is `line` (the secret to look for: a whole line of the key) */
const pem = (label: string, line: string): string =>
  `-----BEGIN ${label}-----\n${line}\n${rand(256, B64)
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END ${label}-----`;

const vendors: Planted[] = [
  f('anthropic admin key in prose', `sk-ant-admin01-${rand(86)}AA`, (s) => `the admin key is ${s}, rotate it monthly`),
  f('openrouter key in prose', `sk-or-v1-${rand(64, HEX)}`, (s) => `Use ${s} for OpenRouter.`),
  f('xai key in env', `xai-${rand(80)}`, (s) => `XAI=${s}`),
  f('groq key in prose', `gsk_${rand(52)}`, (s) => `groq: ${s}`),
  f('perplexity key in prose', `pplx-${rand(48, HEX)}`, (s) => `my perplexity key ${s}`),
  f('replicate token in prose', `r8_${rand(37)}`, (s) => `set up replicate with ${s} first`),
  f('langsmith key in prose', `lsv2_pt_${rand(32, HEX)}_${rand(10, HEX)}`, (s) => `langsmith ${s}`),
  f('linear api key in prose', `lin_api_${rand(40)}`, (s) => `Linear personal key: ${s}`),
  f('notion integration secret', `ntn_${rand(46)}`, (s) => `notion token ${s}`),
  f('1password service account token', `ops_eyJ${rand(120, B64)}fQ==`, (s) => `OP_SERVICE_ACCOUNT=${s}`),
  f('doppler token in prose', `dp.pt.${rand(43)}`, (s) => `doppler run --token ${s} -- npm start`),
  f('vault token in prose', `hvs.${rand(90)}`, (s) => `vault login ${s}`),
  f('terraform cloud token', `${rand(14)}.atlasv1.${rand(67)}`, (s) => `credentials "app.terraform.io" { token = "${s}" }`),
  f('digitalocean pat in prose', `dop_v1_${rand(64, HEX)}`, (s) => `doctl auth init -t ${s}`),
  f('sentry auth token', `sntrys_eyJ${rand(100, B64)}_${rand(43)}`, (s) => `sentry-cli uses ${s}`),
  f('grafana service account token', `glsa_${rand(32)}_${rand(8, HEX)}`, (s) => `grafana: ${s}`),
  f('grafana cloud token', `glc_${rand(120, B64)}`, (s) => `GRAFANA_CLOUD=${s}`),
  f('new relic user key', `NRAK-${rand(27, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`, (s) => `newrelic key ${s}`),
  f(
    'dynatrace token',
    `dt0c01.${rand(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}.${rand(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
    (s) => `Api-Token ${s}`,
  ),
  f('postman api key', `PMAK-${rand(24, HEX)}-${rand(34, HEX)}`, (s) => `postman: ${s}`),
  f('docker hub pat', `dckr_pat_${rand(27)}`, (s) => `echo ${s} | docker login -u dev --password-stdin`),
  f('tailscale auth key', `tskey-auth-${rand(17)}-${rand(33)}`, (s) => `tailscale up --authkey=${s}`),
  f('planetscale token', `pscale_tkn_${rand(43)}`, (s) => `PLANETSCALE_SERVICE_TOKEN ${s}`),
  f('pulumi token', `pul-${rand(40, HEX)}`, (s) => `pulumi login with ${s}`),
  f('figma pat', `figd_${rand(40)}`, (s) => `figma token ${s}`),
  f('atlassian api token', `ATATT3xFfGF0${rand(180)}=${rand(8, HEX)}`, (s) => `jira: ${s}`),
  f('mailgun key', `key-${rand(32, HEX)}`, (s) => `mailgun api ${s}`),
  f('brevo key', `xkeysib-${rand(64, HEX)}-${rand(16)}`, (s) => `brevo ${s}`),
  f('square access token', `EAAA${rand(60)}`, (s) => `square: ${s}`),
  f('facebook page token', `EAAG${rand(150)}`, (s) => `fb token ${s}`),
  f('shopify access token in prose', `shpat_${rand(32, HEX)}`, (s) => `Shopify admin: ${s}`),
  f('age secret key', `AGE-SECRET-KEY-1${rand(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}`, (s) => `# created: 2026\n${s}`),
  f('clojars token', `CLOJARS_${rand(60, HEX)}`, (s) => `deploy with ${s}`),
  f('nuget key', `oy2${rand(43, LOWER_NUM)}`, (s) => `dotnet nuget push -k ${s}`),
  f('rubygems key', `rubygems_${rand(48, HEX)}`, (s) => `---\n:rubygems_api_key: ${s}`),
  f('pypi token in .pypirc', `pypi-AgEIcHlwaS5vcmc${rand(70)}`, (s) => `[pypi]\n  username = __token__\n  password = ${s}`),
  f('gitlab runner token in prose', `glrt-${rand(20)}`, (s) => `gitlab-runner register --token ${s}`),
  f('github oauth token in prose', `gho_${rand(36)}`, (s) => `gh auth status shows ${s}`),
  f('vercel token', `vcp_${rand(56)}`, (s) => `vercel --token ${s}`),
  f('netlify token', `nfp_${rand(36)}`, (s) => `NETLIFY_AUTH_TOKEN ${s}`),
  f('cloudflare api token in prose', rand(40, LOWER_NUM + '_-'), (s) => `cloudflare api token: ${s}`),
  f('databricks token in prose', `dapi${rand(32, HEX)}`, (s) => `the workspace token dapi… is ${s}`),
  f('google oauth refresh token', `1//0${rand(100, LOWER_NUM + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_')}`, (s) => `refresh_token ${s}`),
  f('azure openai key in prose', rand(32, HEX), (s) => `Azure OpenAI api key ${s}`),
  f('heroku api key', `HRKU-AA${rand(58)}`, (s) => `heroku: ${s}`),
  f('render api key', `rnd_${rand(32)}`, (s) => `RENDER ${s}`),
];

const awsSecret = rand(40, B64);
const cli: Planted[] = [
  f(
    'aws configure transcript',
    awsSecret,
    (s) =>
      `$ aws configure\nAWS Access Key ID [None]: AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\nAWS Secret Access Key [None]: ${s}\nDefault region name [None]: eu-west-1`,
  ),
  f('docker login -p', `Dk${rand(18)}9`, (s) => `docker login -u ci-bot -p ${s} registry.example.com`),
  f('podman login --password', `Pm${rand(18)}7`, (s) => `podman login quay.io --username robot --password ${s}`),
  f('helm registry login -p', `Hl${rand(18)}3`, (s) => `helm registry login ghcr.io -u me -p ${s}`),
  f('mysql -p attached', `My${rand(14)}5`, (s) => `mysql -h db.internal -u root -p${s} app < dump.sql`),
  f('mysqldump --password=', `Dm${rand(14)}1`, (s) => `mysqldump --user=backup --password=${s} shop`),
  f('redis-cli -a', `Rd${rand(20)}4`, (s) => `redis-cli -h cache -a ${s} PING`),
  f('sshpass -p', `Ss${rand(14)}8`, (s) => `sshpass -p ${s} ssh deploy@10.0.0.7`),
  f('psql PGPASSWORD prefix', `Pg${rand(16)}6`, (s) => `PGPASSWORD=${s} psql -h db -U app`),
  f('curl -u user:pass', `Cu${rand(16)}2`, (s) => `curl -fsS -u admin:${s} https://nexus.internal/service/rest`),
  f('curl --user', `Cv${rand(16)}0`, (s) => `curl --user deploy:${s} -X POST https://ci.internal/job/build`),
  f('wget --password', `Wg${rand(16)}9`, (s) => `wget --user=ftp --password=${s} ftp://files.internal/a.tgz`),
  f('npm login transcript', `Np${rand(16)}4`, (s) => `npm login\nUsername: dev\nPassword: ${s}\nEmail: (this IS public) dev@example.com`),
  f(
    'kubectl create secret --from-literal',
    `Kc${rand(16)}3`,
    (s) => `kubectl create secret generic db --from-literal=username=app --from-literal=password=${s}`,
  ),
  f('htpasswd -b', `Ht${rand(14)}5`, (s) => `htpasswd -bc /etc/nginx/.htpasswd admin ${s}`),
  f('openssl -passout pass:', `Os${rand(16)}1`, (s) => `openssl pkcs12 -export -in c.pem -out c.p12 -passout pass:${s}`),
  f('az login -p', `Az${rand(16)}8`, (s) => `az login --service-principal -u http://app -p ${s} --tenant t`),
  f('gh auth login with token on stdin', `ghp_${rand(36)}`, (s) => `echo ${s} | gh auth login --with-token`),
  f('git credential store line', `Gc${rand(16)}7`, (s) => `https://bob:${s}@git.internal.example`),
  f('rclone obscured pass', `Rc${rand(20)}2`, (s) => `[s3]\ntype = s3\nsecret_access_key = ${s}`),
];

const config: Planted[] = [
  f('.netrc machine line', `Nr${rand(16)}4`, (s) => `machine api.heroku.com login me@example.com password ${s}`),
  f('.netrc multi-line', `Nm${rand(16)}6`, (s) => `machine ftp.internal\n  login backup\n  password ${s}`),
  f('XML password element', `Xm${rand(16)}1`, (s) => `<datasource>\n  <username>app</username>\n  <password>${s}</password>\n</datasource>`),
  f('Maven settings.xml server password', `Mv${rand(16)}9`, (s) => `<server><id>nexus</id><username>deploy</username><password>${s}</password></server>`),
  f('.NET appSettings key/value', rand(32, LOWER_NUM), (s) => `<add key="StripeSecretKey" value="${s}" />`),
  f('XML attribute password=', `Xa${rand(16)}3`, (s) => `<connection host="db" user="sa" password="${s}"/>`),
  f('Dockerfile ENV space form', `De${rand(16)}8`, (s) => `FROM node:20\nENV DB_PASSWORD ${s}\nRUN npm ci`),
  f('Dockerfile ARG default', `Da${rand(16)}2`, (s) => `ARG NPM_TOKEN=${s}`),
  f('env var ending in _PASS', `Ep${rand(16)}5`, (s) => `export SMTP_PASS=${s}`),
  f('env var ending in _PW', `Ew${rand(16)}7`, (s) => `LDAP_BIND_PW=${s}`),
  f('env var ending in _PWD', `Ed${rand(16)}0`, (s) => `MSSQL_SA_PWD=${s}`),
  f('env var ending in _KEY (random)', rand(32), (s) => `SECRET_KEY=${s}`),
  f('Django SECRET_KEY in settings.py', `django-insecure-${rand(50, LOWER_NUM + '!@#$%^&*(-_=+)')}`, (s) => `SECRET_KEY = '${s}'`),
  f('YAML nested password', `Yn${rand(16)}4`, (s) => `spring:\n  datasource:\n    password: ${s}\n    url: jdbc:postgresql://db/app`),
  f('YAML quoted token', rand(40), (s) => `slack:\n  token: "${s}"`),
  f('TOML password', `Tm${rand(16)}1`, (s) => `[database]\npassword = "${s}"`),
  f('INI password', `In${rand(16)}6`, (s) => `[client]\nuser=root\npassword=${s}`),
  f('PHP array password', `Ph${rand(16)}3`, (s) => `'password' => '${s}',`),
  f('Ruby hash password', `Rb${rand(16)}5`, (s) => `password: "${s}", host: "db"`),
  f('Go struct literal', `Go${rand(16)}2`, (s) => `cfg := Config{User: "app", Password: "${s}"}`),
  f('Java properties', `Jp${rand(16)}8`, (s) => `spring.datasource.password=${s}`),
  f('.npmrc _authToken', rand(36), (s) => `//registry.npmjs.org/:_authToken=${s}`),
  f('.npmrc _auth base64', b64(`deploy:Na${rand(16)}1`), (s) => `//npm.internal/:_auth=${s}`),
  f('docker config.json auth', b64(`robot:Dc${rand(18)}4`), (s) => `{"auths":{"ghcr.io":{"auth":"${s}"}}}`),
  f('yarnrc npmAuthToken', rand(36), (s) => `npmScopes:\n  acme:\n    npmAuthToken: ${s}`),
  f('pip index-url with credentials', `Pi${rand(16)}7`, (s) => `pip install -i https://user:${s}@pypi.internal/simple pkg`),
  f('gradle.properties password', `Gr${rand(16)}9`, (s) => `ossrhPassword=${s}`),
  f(
    'Kubernetes Secret data',
    b64(`Ks${rand(20)}3`),
    (s) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  DATABASE_URL_B64: ${s}`,
  ),
  f('Kubernetes Secret stringData', `Kd${rand(16)}6`, (s) => `kind: Secret\nstringData:\n  admin: ${s}`),
  f('kubeconfig client-key-data', b64(rand(90)), (s) => `users:\n- name: admin\n  user:\n    client-key-data: ${s}`),
  f('kubeconfig token', `eyJhbGciOiJSUzI1NiIsImtpZCI6I${rand(40)}.eyJpc3MiOi${rand(60)}.${rand(40)}`, (s) => `    token: ${s}`),
  f('Terraform tfvars', `Tf${rand(16)}4`, (s) => `db_password = "${s}"`),
  f('JSON "pass" key', `Js${rand(16)}8`, (s) => `{"user":"svc","pass":"${s}"}`),
  f('JSON "pwd" key', `Jw${rand(16)}2`, (s) => `{"uid":"svc","pwd":"${s}"}`),
  f('connection string Password=', `Cs${rand(16)}5`, (s) => `Server=tcp:db.windows.net;Database=app;User ID=sa;Password=${s};Encrypt=True`),
  f('ODBC PWD=', `Od${rand(16)}1`, (s) => `DRIVER={ODBC Driver 18};SERVER=db;UID=sa;PWD=${s}`),
  f('AWS secret in credentials (spaces)', rand(40, B64), (s) => `[prod]\naws_secret_access_key    =    ${s}`),
  f('GCP service account JSON private key', rand(64, B64), (s) => JSON.stringify({ type: 'service_account', private_key: `${pem('PRIVATE KEY', s)}\n` })),
  f('PowerShell $env: assignment', `Ps${rand(16)}9`, (s) => `$env:ADMIN_PASSWORD = "${s}"`),
  f('fish set -x', rand(40), (s) => `set -x GITHUB_TOKEN ${s}`),
];

const protocols: Planted[] = [
  f('Cookie header', `s%3A${rand(40)}.${rand(30)}`, (s) => `Cookie: connect.sid=${s}; theme=dark`),
  f('Set-Cookie header', rand(48), (s) => `Set-Cookie: session_id=${s}; Path=/; HttpOnly; Secure`),
  f('curl -b cookie', rand(40), (s) => `curl -b "sessionid=${s}" https://app.internal/api/me`),
  f('X-API-Key header', rand(40), (s) => `curl -H "X-API-Key: ${s}" https://api.example.com/v1`),
  f('api-key header (Azure)', rand(32, HEX), (s) => `api-key: ${s}`),
  f('PRIVATE-TOKEN header (GitLab)', rand(26), (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.internal/api/v4/projects`),
  f('X-Auth-Token header', rand(40, HEX), (s) => `X-Auth-Token: ${s}`),
  f('Authorization after a tab', rand(40), (s) => `headers:\n\tAuthorization:\tBearer ${s}`),
  f('Authorization in an HTTP dump', rand(32, B64), (s) => `> GET /v2/ HTTP/1.1\n> Host: registry\n> Authorization: Basic ${s}`),
  f('amqp URL userinfo', `Am${rand(16)}3`, (s) => `amqp://guest:${s}@rabbit:5672/`),
  f('mongodb+srv URL userinfo', `Mg${rand(16)}5`, (s) => `mongodb+srv://app:${s}@cluster0.ab1cd.mongodb.net/test`),
  f('ftp URL userinfo', `Ft${rand(16)}7`, (s) => `ftp://backup:${s}@files.internal/pub`),
  f('ldap URL userinfo', `Ld${rand(16)}9`, (s) => `ldaps://cn=admin:${s}@ldap.internal`),
  f('smtp URL userinfo', `Sm${rand(16)}2`, (s) => `SMTP_URL=smtps://mailer:${s}@smtp.internal:465`),
  f('jdbc URL password parameter', `Jd${rand(16)}4`, (s) => `jdbc:mysql://db:3306/app?user=app&password=${s}`),
  f('URL token query parameter', rand(40), (s) => `GET https://api.example.com/feed?access_token=${s}&page=2`),
];

const keys: Planted[] = [
  f(
    'PuTTY private key',
    rand(64, B64),
    (s) =>
      `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me@host\nPublic-Lines: 2\n${rand(64, B64)}\n${rand(16, B64)}\nPrivate-Lines: 6\n${s}\n${rand(
        64 * 5,
        B64,
      )
        .match(/.{1,64}/g)
        ?.join('\n')}\nPrivate-MAC: ${rand(64, HEX)}`,
  ),
  f('PGP private key block', rand(64, B64), (s) => pem('PGP PRIVATE KEY BLOCK', s)),
  f('encrypted PEM private key', rand(64, B64), (s) => pem('ENCRYPTED PRIVATE KEY', s)),
  f('EC private key in JSON-escaped tool output', rand(64, B64), (s) => JSON.stringify({ output: pem('EC PRIVATE KEY', s) })),
  f('OpenSSH private key alone in output', rand(64, B64), (s) => pem('OPENSSH PRIVATE KEY', s)),
  f('private key alone on its own line after a tab', rand(44, B64), (s) => `key:\n\t${'-----BEGIN PRIVATE KEY-----'}\n\t${s}\n\t-----END PRIVATE KEY-----`),
  f('WireGuard PrivateKey', `${rand(43, B64)}=`, (s) => `[Interface]\nPrivateKey = ${s}\nAddress = 10.0.0.2/32`),
  f('basic auth base64 in prose', b64(`admin:Ba${rand(16)}6`), (s) => `the header value is Basic ${s}`),
];

/** the same secret hidden by quoting and colour */
const hidden: Planted[] = [
  f('openai key after a literal \\n in raw JSON', `sk-proj-${rand(100, LOWER_NUM + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_-')}`, (s) =>
    JSON.stringify({ cmd: `echo start\n${s}\n` }),
  ),
  f('AWS key id after a literal \\t', `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, (s) => JSON.stringify(`id:\t${s}`)),
  f('github token inside ANSI colour codes', `ghp_${rand(36)}`, (s) => `\x1b[32m${s}\x1b[0m`),
  f('slack token inside JSON-escaped ANSI', `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`, (s) =>
    JSON.stringify({ output: `\x1b[1;33m${s}\x1b[0m` }),
  ),
  f('Authorization header JSON-escaped twice', rand(40), (s) => JSON.stringify(JSON.stringify({ headers: `Authorization: Bearer ${s}` }))),
  f('password assignment with \\u escapes', `Ue${rand(16)}8`, (s) => `{"text":"DB_PASSWORD\\u003d${s}"}`),
  f('key at line start in JSON-escaped tool output', `sk-ant-api03-${rand(90, LOWER_NUM + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_-')}AA`, (s) =>
    JSON.stringify({ output: `ANTHROPIC_API_KEY\n${s}` }),
  ),
];

export const LEAK_CORPUS: Planted[] = [...vendors, ...cli, ...config, ...protocols, ...keys, ...hidden];
