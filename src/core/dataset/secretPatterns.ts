/**
 * What the dataset scrubber looks for: one detector per kind of secret or personal data, in the order they
 * run, and the class each kind belongs to (the classes mature secret scanners such as gitleaks,
 * detect-secrets and trufflehog cover). Vendor tokens with a fixed shape come first, so that the generic
 * detectors after them (assignments, high-entropy strings) never see — and never double-count — a value
 * an earlier detector replaced.
 */

/** Kinds of secret, by class. */
const SECRET_CLASSES = {
  'aws-access-key': 'cloud',
  'aws-secret-key': 'cloud',
  'gcp-api-key': 'cloud',
  'gcp-oauth-token': 'cloud',
  'gcp-private-key-id': 'cloud',
  'azure-storage-key': 'cloud',
  'azure-sas-token': 'cloud',
  'azure-client-secret': 'cloud',
  'digitalocean-token': 'cloud',
  'github-token': 'version-control',
  'gitlab-token': 'version-control',
  'bitbucket-token': 'version-control',
  'stripe-key': 'payment',
  'square-token': 'payment',
  'braintree-token': 'payment',
  'slack-token': 'chat',
  'slack-webhook': 'chat',
  'discord-token': 'chat',
  'telegram-bot-token': 'chat',
  'twilio-key': 'chat',
  'sendgrid-key': 'mail',
  'mailgun-key': 'mail',
  'mailchimp-key': 'mail',
  'npm-token': 'package-registry',
  'pypi-token': 'package-registry',
  'nuget-key': 'package-registry',
  'rubygems-key': 'package-registry',
  'openai-key': 'ai-service',
  'anthropic-key': 'ai-service',
  'huggingface-token': 'ai-service',
  'private-key': 'private-key',
  'url-credentials': 'credentials-in-url',
  'auth-header': 'auth-header',
  jwt: 'jwt',
  'generic-secret': 'secret-assignment',
  'high-entropy': 'high-entropy',
} as const;

export type SecretKind = keyof typeof SECRET_CLASSES;
export type PersonalKind = 'email' | 'phone' | 'ip-address' | 'author';
export type ScrubKind = SecretKind | PersonalKind;

/** The class a scrub kind is counted under in the dataset card ('personal-data' for people, emails, phones, addresses). */
export function scrubClass(kind: string): string {
  return kind in SECRET_CLASSES ? SECRET_CLASSES[kind as SecretKind] : 'personal-data';
}

const PERSONAL_PLACEHOLDERS: Record<Exclude<PersonalKind, 'author'>, string> = { email: '<EMAIL>', phone: '<PHONE>', 'ip-address': '<IP>' };

export function placeholder(kind: Exclude<ScrubKind, 'author'>): string {
  return kind in PERSONAL_PLACEHOLDERS ? PERSONAL_PLACEHOLDERS[kind as keyof typeof PERSONAL_PLACEHOLDERS] : `<SECRET:${kind}>`;
}

const PLACEHOLDER = /<SECRET:[a-z0-9-]+>|<EMAIL>|<PHONE>|<IP>/;

/** A value that names or stands for a secret rather than being one: a placeholder, a variable reference, a template, a mask. */
function isStandIn(value: string): boolean {
  return (
    value.trim() === '' ||
    PLACEHOLDER.test(value) ||
    /\$\{|\{\{|^\$[A-Za-z_]\w*$|^%[A-Za-z_]\w*%$|^%(?:\(\w+\))?s$|^<[^<>]*>$/.test(value) ||
    /^(?:\*+|x+|\.+|-+|_+|#+|•+|…+|\[[A-Z_ ]+\])$/i.test(value) ||
    /^(?:null|none|nil|undefined|true|false|yes|no)$/i.test(value)
  );
}

/** Shannon entropy of the characters of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export interface Detector {
  kind: Exclude<ScrubKind, 'author'>;
  /** Rewrites every finding in `text`, calling `found` once per replacement. */
  apply(text: string, found: () => void): string;
}

/** Where a match sits: its offset in the text, and the text. */
interface At {
  offset: number;
  input: string;
}

type Rewrite = (match: string, groups: string[], at: At) => string;

/**
 * A detector from a regular expression. `rewrite` gets the match, its groups and where it sits, and returns
 * the replacement; returning the match unchanged means "not a secret after all" (uncounted). By default
 * the whole match becomes the placeholder.
 */
function detector(kind: Detector['kind'], pattern: RegExp, rewrite: Rewrite = () => placeholder(kind)): Detector {
  return {
    kind,
    apply: (text, found) =>
      text.replace(pattern, (match: string, ...rest: unknown[]) => {
        // replace() passes the groups, then the offset and the whole string (none of these patterns has named groups).
        const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
        const replaced = rewrite(match, groups, { offset: rest.at(-2) as number, input: rest.at(-1) as string });
        if (replaced !== match) found();
        return replaced;
      }),
  };
}

/** Keeps the first group (what led up to the value), replaces the second (the value) unless it is a stand-in. */
function valueAfter(kind: Detector['kind']): Rewrite {
  return (match, [prefix = '', value = '']) => (isStandIn(value) ? match : `${prefix}${placeholder(kind)}`);
}

/** The text of the line before a match. */
function lineBefore({ offset, input }: At): string {
  return input.slice(input.lastIndexOf('\n', offset - 1) + 1, offset);
}

/** The text of the line after a match. */
function lineAfter(match: string, { offset, input }: At): string {
  const end = offset + match.length;
  const newline = input.indexOf('\n', end);
  return input.slice(end, newline === -1 ? undefined : newline);
}

/** A diff line's own '+', '-' or ' ' marker at the start of a match: it belongs to the hunk, never to the value. */
function diffMarker(match: string, at: At): string {
  return /^[+\- ]/.test(match) && lineBefore(at) === '' ? match[0]! : '';
}

/** The end of a token: not followed by another token character. */
const END = String.raw`(?![\w-])`;

const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g;

/** The base64 of one line (or `\n`-escaped segment) of a key or blob, without a diff marker, indentation, quotes or concatenation; undefined when the line is something else. */
function base64Of(line: string): string | undefined {
  return /^[+\- ]?\s*["'`]?([A-Za-z0-9+/]*={0,2})(?:\\[nr])?["'`]?\s*[+,;]?\s*$/.exec(line)?.[1];
}

/** How much base64 a line before a key's END line must hold to count as key body: the last one may be short. */
function isKeyBody(segment: string, fromEnd: number): boolean {
  const body = base64Of(segment);
  if (body === undefined) return false;
  return fromEnd === 0 || body.length >= (fromEnd === 1 ? 1 : 16);
}

/**
 * The body of a key whose BEGIN line is not in the text (a hunk that starts inside the key, a JSON string
 * cut short): walks back from each END line over the base64 lines before it, real or `\n`-escaped, and
 * replaces them and the END line with one placeholder. The first line that is not base64 keeps its text,
 * less a trailing base64 run.
 */
const privateKeyTail: Detector = {
  kind: 'private-key',
  apply(text, found) {
    let out = '';
    let last = 0;
    for (const end of text.matchAll(PEM_END)) {
      if (end.index < last) continue;
      // Text segments alternate with separators: [text, separator, text, …, text (the END line's own start)].
      const segments = text.slice(last, end.index).split(/(\r?\n|\\n)/);
      let first = segments.length - 1;
      while (first >= 0 && isKeyBody(segments[first]!, (segments.length - 1 - first) / 2)) first -= 2;
      first += 2;
      const kept = segments.slice(0, Math.min(segments.length, Math.max(0, first - 1)));
      // The line the key starts on may hold its first base64 run after other text (`"private_key": "MII…`).
      if (kept.length > 0) kept[kept.length - 1] = kept.at(-1)!.replace(/[A-Za-z0-9+/]{16,}={0,2}\s*$/, '');
      const separator = first >= 2 && first < segments.length ? segments[first - 1]! : '';
      const marker = /^[+\- ]/.exec(segments[first] ?? '')?.[0] ?? '';
      out += `${kept.join('')}${separator}${marker}${placeholder('private-key')}`;
      found();
      last = end.index + end[0].length;
    }
    return out + text.slice(last);
  },
};

/**
 * Two or more lines of nothing but base64, the first one long and random: a key or blob body without its
 * markers. Its short last line goes with it (a single long line is the high-entropy token detector's).
 */
const base64Block: Detector = {
  kind: 'high-entropy',
  apply(text, found) {
    if (!/[A-Za-z0-9+/]{40}/.test(text)) return text;
    const lines = text.split('\n');
    const out: string[] = [];
    for (let i = 0; i < lines.length; ) {
      const isLong = (line: string | undefined) => line !== undefined && line.length >= 40 && (base64Of(line.replace(/\r$/, ''))?.length ?? 0) >= 40;
      if (!isLong(lines[i]) || !looksRandom(base64Of(lines[i]!.replace(/\r$/, ''))!)) {
        out.push(lines[i]!);
        i++;
        continue;
      }
      let j = i + 1;
      while (isLong(lines[j])) j++;
      const tail = lines[j] === undefined ? undefined : base64Of(lines[j]!.replace(/\r$/, ''));
      if (tail !== undefined && tail.length >= 4 && /[\d=+/]/.test(tail)) j++;
      if (j - i < 2) {
        out.push(lines[i]!);
        i++;
        continue;
      }
      out.push(`${/^[+\- ]/.exec(lines[i]!)?.[0] ?? ''}${placeholder('high-entropy')}`);
      found();
      i = j;
    }
    return out.join('\n');
  },
};

/** Names under which a value is a secret whatever it looks like (password, api_key, clientSecret, salt, …). */
const SECRET_NAME = String.raw`(?<![<\w.-])[\w.-]*?(?:password|passwd|passphrase|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|signing[_-]?key|encryption[_-]?key|session[_-]?key|master[_-]?key|hmac(?:[_-]?key)?|salt|credentials?)(?:[_-]?(?:key|value|hash|hex|b64|base64|raw|str|string|id|enc|encrypted|plain|text))?`;
/** An assignment operator, with an optional type annotation before it (`password: str = …`, `let pw: &str = …`). */
const ASSIGN = String.raw`["']?(?:[ \t]*:[ \t]*[&A-Za-z_][\w.[\]|, ]{0,40}?[ \t]*(?==))?[ \t]*(?:=>|:=|\?\?=|\|\|=|=|:)[ \t]*`;
const DOTTED_NAME = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/;
const PLAIN_NAME = /^[A-Za-z_$]+$/;
const normalized = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A quoted value of any length under a secret name, unless it only repeats the name (a UI label: "password": "Password"). */
const quotedAssignment = detector(
  'generic-secret',
  // The value never runs over another assignment: an unclosed quote before a secret must not swallow its opening quote.
  new RegExp(String.raw`(${SECRET_NAME}${ASSIGN})(["'\`])((?:(?!\2)(?!${SECRET_NAME}${ASSIGN}["'\`])[^\\\r\n]|\\.)*)\2`, 'gi'),
  (match, [prefix = '', quote = '', value = '']) => {
    const name = /^[\w.-]+/.exec(prefix)?.[0].split('.').at(-1) ?? '';
    if (isStandIn(value) || normalized(value) === normalized(name)) return match;
    return `${prefix}${quote}${placeholder('generic-secret')}${quote}`;
  },
);

/**
 * An unquoted value under a secret name. Values with digits or symbols are data. A plain word is data only
 * where code cannot stand: `NAME=value` opening a line (env files), in a connection string or a flag
 * (`;Password=x;`, `--password=x`), or `name: value` alone on its line (YAML); elsewhere
 * (`connect(password=password)`, `{ token: token }`) it is a variable, as dotted names and calls are.
 */
const unquotedAssignment = detector(
  'generic-secret',
  // The value is taken whole (a lookahead and a backreference make it atomic); a name without digits followed by an
  // operator is the next assignment's name (`token = API_KEY = …`), left for that assignment.
  new RegExp(String.raw`(${SECRET_NAME}["']?)([ \t]*(?:=>|:=|=|:)[ \t]*)(?=((?:[^\s"'\`,;(){}[\]<>:]|:(?!\s|$))+))\3(?!(?<=(?:^|[\s:=>])[A-Za-z_$][A-Za-z_$.-]*)[ \t]*(?:=>|:=|=(?!=)|:(?:\s|$)))`, 'gim'),
  (match, [name = '', operator = '', value = ''], at) => {
    const after = lineAfter(match, at);
    // A value of punctuation alone is code (a regular expression, an operator), not a secret.
    if (after.startsWith('(') || !/[\p{L}\p{N}]/u.test(value) || isStandIn(value) || /^\$\{|^\{\{/.test(value + after) || DOTTED_NAME.test(value) || /^\d{1,3}$/.test(value) || /^[=:>]/.test(value)) return match;
    if (PLAIN_NAME.test(value)) {
      const before = lineBefore(at);
      const envStyle = operator === '=' && (/^[+\- ]?\s*(?:export\s+)?$/.test(before) || /(?:[;&?]|--)$/.test(before));
      const yamlStyle = operator.trim() === ':' && /^[+\- ]?\s*(?:-\s+)?$/.test(before) && after.trim() === '';
      if (!envStyle && !yamlStyle) return match;
    }
    return `${name}${operator}${placeholder('generic-secret')}`;
  },
);

/** Hex of this length or more is a key; shorter hex is a hash or a commit id (SHA-1 is 40 characters). */
const MIN_HEX_SECRET = 48;
/** A hex integer literal with the suffixes C, C++, Rust, Go and JavaScript give it (`ULL`, `u64`, `n`). */
const HEX_LITERAL = /^0[xX]([0-9a-fA-F]+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU]|[iu](?:8|16|32|64|128|size)|n)$/;
/** Words before a token that say it is a digest, not a secret (`sha256:…`, `commit …`, `integrity sha512-…`). */
const HASH_LABEL = /(?:sha-?(?:1|224|256|384|512)|md5|digest|checksum|integrity|hash|commit|blob|tree|object)[\s:=-]*["'`]?$/i;
/** detect-secrets drops any candidate that holds a UUID (`is_potential_uuid`, detect_secrets/filters/heuristic.py); here only the UUID is left out of the judgement. */
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * How often neighbouring letters and digits change kind (upper, lower, digit), per neighbouring pair,
 * not counting a capital followed by lower case (a word's start): about 0.45 in random base64, under
 * 0.2 in camelCase, snake_case and paths (separators are skipped).
 */
function kindChanges(token: string): number {
  const kind = (ch: string) => (ch >= 'A' && ch <= 'Z' ? 0 : ch >= 'a' && ch <= 'z' ? 1 : ch >= '0' && ch <= '9' ? 2 : 3);
  let pairs = 0;
  let changes = 0;
  for (let i = 1; i < token.length; i++) {
    const [a, b] = [kind(token[i - 1]!), kind(token[i]!)];
    if (a === 3 || b === 3) continue;
    pairs++;
    if (a !== b && !(a === 0 && b === 1)) changes++;
  }
  return pairs === 0 ? 0 : changes / pairs;
}

/** A bare token that is random data: a long hex key, or base64 that mixes letters and digits the way only random text does. */
export function looksRandom(token: string): boolean {
  // Most tokens in code are words without digits: settle them first.
  if (!/\d/.test(token) && !token.endsWith('=')) return false;
  // A path of lower-case or capitalised words with one other part (`js/commit/<sha>`, `docs/v2/Guide`) is judged
  // by that part; base64 that happens to hold a '/' has random case on both sides, and may end in padding.
  const parts = token.split('/');
  const other = parts.filter((part) => !/^(?:|[a-z][a-z_.-]+|[A-Z][a-z_.-]{2,})$/.test(part));
  if (parts.length > 1 && other.length <= 1 && !token.endsWith('=')) return other.length === 1 && looksRandom(other[0]!);
  const body = token.replace(/=+$/, '');
  // A UUID is an identifier, alone or in a name (`<uuid>-isWrapObject`): the rest of the token is judged alone.
  const withoutUuids = body.replace(UUIDS, '');
  if (withoutUuids !== body) return looksRandom(withoutUuids.replace(/^[-_]+|[-_]+$/g, ''));
  if (/^[0-9a-f]+$/.test(body) || /^[0-9A-F]+$/.test(body)) return body.length >= MIN_HEX_SECRET;
  // A hex literal in code (`0xc6a4a7935bd1e995ULL`, a hash's constant) is a number: its digits are judged as hex.
  const literal = HEX_LITERAL.exec(body);
  if (literal) return literal[1]!.length >= MIN_HEX_SECRET;
  const changes = kindChanges(body);
  const entropy = shannonEntropy(body);
  const bothCases = /[a-z]/.test(body) && /[A-Z]/.test(body);
  // Padded base64 (a salt, a short key) comes in fours; `name=` in minified code rarely does, and changes kind less.
  if (body.length < token.length) return token.length % 4 === 0 && body.length >= 10 && bothCases && changes >= 0.2 && entropy >= 3;
  if (body.length < 20) return false;
  const digits = (body.match(/\d/g) ?? []).length;
  // Random base64 mixes cases and digits.
  if (digits === 0 || (!bothCases && digits < 4)) return false;
  return (
    (changes >= 0.3 && entropy >= 3.5) ||
    // Random runs can change kind less often by chance; then their characters are nearly all different (identifiers
    // repeat letters), and long ones (a key's 64-character lines) have high entropy.
    (changes >= 0.15 && (entropy >= Math.log2(body.length) - 0.3 || (body.length >= 40 && entropy >= 4.6)))
  );
}

// A token may follow '=' (`?key=…`, `SALT=…`): padding only ever ends base64.
const highEntropy = detector('high-entropy', /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{12,}={0,2}(?![A-Za-z0-9+/=_-])/g, (match, _groups, at) => {
  const marker = diffMarker(match, at);
  const token = match.slice(marker.length);
  // Cheapest test first: most tokens of code are words, which looksRandom settles at once.
  if (!looksRandom(token) || /^sha(?:1|256|384|512)-/i.test(token) || HASH_LABEL.test(lineBefore(at))) return match;
  return `${marker}${placeholder('high-entropy')}`;
});

/** An IPv4 octet, 0–255. */
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

/** The detectors, in the order they run. */
export function secretDetectors(): Detector[] {
  return [
    detector('private-key', new RegExp(String.raw`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)`, 'g')),
    privateKeyTail,
    detector('jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g),
    // Cloud
    detector('aws-access-key', /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g),
    detector('gcp-api-key', new RegExp(String.raw`\bAIza[0-9A-Za-z_-]{35}${END}`, 'g')),
    detector('gcp-oauth-token', new RegExp(String.raw`\bya29\.[0-9A-Za-z_-]{20,}${END}`, 'g')),
    detector('gcp-private-key-id', /("private_key_id"\s*:\s*")([0-9a-f]{40})(?=")/g, valueAfter('gcp-private-key-id')),
    detector('azure-storage-key', /(\b(?:AccountKey|SharedAccessKey)\s*=\s*)([A-Za-z0-9+/]{20,}={0,2})/gi, valueAfter('azure-storage-key')),
    detector('azure-sas-token', /((?:^|[?&;\s"'`])sig=)([A-Za-z0-9%+/]{20,}(?:%3D|=){0,2})/gim, valueAfter('azure-sas-token')),
    detector('azure-client-secret', new RegExp(String.raw`(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~-]|\.[\w~-])`, 'g')),
    detector('digitalocean-token', /\bdo[opr]_v1_[a-f0-9]{64}\b/g),
    // Version control
    detector('github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g),
    detector('gitlab-token', new RegExp(String.raw`\b(?:gl(?:pat|dt|ptt|rt|ft|imt|agent|oas|soat|cbt|ffct)-[\w.-]{20,}|GR1348941[\w-]{20,})${END}`, 'g')),
    detector('bitbucket-token', new RegExp(String.raw`\bATBB[A-Za-z0-9_=.-]{28,}${END}`, 'g')),
    // Payment
    detector('stripe-key', new RegExp(String.raw`\b(?:(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9]{24,})${END}`, 'g')),
    detector('square-token', new RegExp(String.raw`\b(?:EAAA[A-Za-z0-9_-]{60}|sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,43})${END}`, 'g')),
    detector('braintree-token', /\b(?:access_token\$(?:production|sandbox)\$[0-9a-z]{16}(?:\$[0-9a-f]{32})?|(?:production|sandbox)_[a-z0-9]{8}_[a-z0-9]{16})\b/g),
    // Chat
    detector('slack-webhook', /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/g),
    detector('slack-token', /\b(?:xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g),
    detector('discord-token', new RegExp(String.raw`https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]+|\b[MNO][A-Za-z\d_-]{23,25}\.[\w-]{6}\.[\w-]{27,38}${END}`, 'g')),
    detector('telegram-bot-token', new RegExp(String.raw`(\bbot|\b)\d{8,10}:[A-Za-z0-9_-]{35}${END}`, 'g'), (_match, [bot = '']) => `${bot}${placeholder('telegram-bot-token')}`),
    detector('twilio-key', /\bSK[0-9a-fA-F]{32}\b/g),
    // Mail
    detector('sendgrid-key', new RegExp(String.raw`\bSG\.[\w-]{16,32}\.[\w-]{16,64}${END}`, 'g')),
    detector('mailgun-key', /\b(?:key-[0-9a-z]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b/g),
    detector('mailchimp-key', /\b[0-9a-f]{32}-us\d{1,2}\b/g),
    // Package registries
    detector('npm-token', /\bnpm_[A-Za-z0-9]{36}\b/g),
    detector('pypi-token', new RegExp(String.raw`\bpypi-AgE[A-Za-z0-9_-]{50,}${END}`, 'g')),
    detector('nuget-key', /\boy2[a-z0-9]{43}\b/g),
    detector('rubygems-key', /\brubygems_[0-9a-f]{48}\b/g),
    // AI services
    detector('anthropic-key', new RegExp(String.raw`\bsk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{40,}${END}`, 'g')),
    detector('openai-key', new RegExp(String.raw`\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${END}`, 'g')),
    detector('huggingface-token', /\bhf_[A-Za-z]{34}\b/g),
    // Headers, assignments, URLs
    detector(
      'auth-header',
      /(\b(?:Proxy-)?Authorization["']?\s*[:=,]\s*["'`]?\s*(?:(?:Bearer|Basic|Token|Digest|Bot|Negotiate|NTLM)\s+)?)([^\s"'`,;]{4,})/gi,
      valueAfter('auth-header'),
    ),
    // Atomic (lookahead and backreference) and never the name of an assignment (`Bearer db_password = …`).
    detector('auth-header', /(\b(?:Bearer|Basic)[ \t]+)(?=([A-Za-z0-9._~+/-]{8,}=*))\2(?!(?<=\s[A-Za-z_.~+/-]+)[ \t]*[=:])/g, (match, [prefix = '', value = '']) =>
      isStandIn(value) || /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(value) ? match : `${prefix}${placeholder('auth-header')}`,
    ),
    detector(
      'aws-secret-key',
      // 40 base64 characters under a name that says AWS and secret; bare 40-character strings are too often hashes.
      new RegExp(String.raw`(\baws[\w.-]{0,30}?(?:secret|private)[\w.-]{0,30}?${ASSIGN}["'\`]?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'gi'),
      valueAfter('aws-secret-key'),
    ),
    quotedAssignment,
    unquotedAssignment,
    // user:password@ in any URL or connection string, whatever the host (a name, an IP, a socket).
    detector('url-credentials', /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'`<>]*:)([^\s/?#@"'`<>]+)(?=@)/gi, valueAfter('url-credentials')),
    base64Block,
    highEntropy,
  ];
}

// Local parts include brackets, as in GitHub's `123+name[bot]@users.noreply.github.com`.
const EMAIL = String.raw`[A-Za-z0-9._%+\-[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;

/** A text that is a diff or a hunk (its lines open with markers). */
const DIFF_START = /^(?:@@ -\d|diff --git )/;
/** A North American number with separators, the phone pattern's forms without a country code. */
const NATIONAL_PHONE = /^(?:\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})$/;

/** Personal data, run after the secrets: emails, phone numbers and IPv4 addresses. */
export function personalDataDetectors(): Detector[] {
  return [
    detector('email', new RegExp(String.raw`<${EMAIL}>`, 'g')),
    // Starting at a word boundary, a match never takes a hunk line's '+' or '-' marker.
    detector('email', new RegExp(String.raw`\b${EMAIL}\b`, 'g')),
    detector(
      'phone',
      // International (+44 20 7946 0958, +14155552671) or North American with separators ((415) 555-2671, 415-555-2671).
      // A '+' that opens a line may be a hunk's marker: it is kept, and a number right after it is still found.
      /(?<=^\+|^|[^\w.+-])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w]|[.-]\d)/gm,
      (match, _groups, at) => {
        const marker = diffMarker(match, at);
        // In a diff a line's first '+' is the hunk's marker, never a country code: `+1695649068107-0` is an added line
        // holding a stream id, not +169 5649 0681 07-0. What follows it must be a number on its own.
        if (marker === '+' && DIFF_START.test(at.input) && !NATIONAL_PHONE.test(match.slice(1))) return match;
        const digits = match.replace(/\D/g, '').length;
        return digits >= 10 && digits <= 15 ? `${marker}${placeholder('phone')}` : match;
      },
    ),
    detector('ip-address', new RegExp(String.raw`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?![\w]|\.\d)`, 'g'), (match) =>
      // Loopback, "any" and netmasks say nothing about anyone's network.
      /^(?:127\.|0\.0\.0\.0$|255\.)/.test(match) ? match : placeholder('ip-address'),
    ),
  ];
}
