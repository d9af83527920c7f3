/**
 * The EIP-4361 message grammar, checked by the product itself (viem's parser is lenient: it
 * accepts bad IP literals, any statement characters and rolled-over dates). Rules follow the
 * ABNF of EIP-4361, RFC 3986 (URI, authority) and RFC 3339 (date-time), with real calendar
 * checks (February 31 is not a date).
 */

const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SCHEME = "[A-Za-z][A-Za-z0-9+\\-.]*";
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
const IPV4 = `${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}`;
const H16 = "[0-9A-Fa-f]{1,4}";
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
]
  .map((alternative) => `(?:${alternative})`)
  .join("|");
const IPVFUTURE = `v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+`;
const IP_LITERAL = `\\[(?:${IPV6}|${IPVFUTURE})\\]`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const HOST = `(?:${IP_LITERAL}|${IPV4}|${REG_NAME})`;
const AUTHORITY = `(?:${USERINFO}@)?${HOST}(?::[0-9]*)?`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`;
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const URI = `${SCHEME}:${HIER_PART}(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?`;
/** EIP-4361 `statement = 1*( reserved / unreserved / " " )`. */
const STATEMENT = `[${UNRESERVED}${SUB_DELIMS}:/?#\\[\\]@ ]+`;

const whole = (source: string) => new RegExp(`^(?:${source})$`);

/** Named ABNF rules the product checks, as whole-string matchers. */
export const siweRules = {
  scheme: whole(SCHEME),
  statement: whole(STATEMENT),
  "pct-encoded": whole(PCT),
  userinfo: whole(USERINFO),
  IPvFuture: whole(IPVFUTURE),
  IPv4address: whole(IPV4),
  IPv6address: whole(IPV6),
  "reg-name": whole(REG_NAME),
  "segment-nz": whole(SEGMENT_NZ),
  fragment: whole(QUERY_OR_FRAGMENT),
  authority: whole(AUTHORITY),
  URI: whole(URI),
} as const;

/** The name of a rule in {@link siweRules}. */
export type SiweRule = keyof typeof siweRules;

/** `true` when `input` matches the ABNF rule `rule` as a whole. */
export function matchesSiweRule(rule: SiweRule, input: string): boolean {
  return siweRules[rule].test(input);
}

/** `true` for an RFC 3986 URI (bad IPv4/IPv6 literals, spaces, missing scheme are refused). */
export function isRfc3986Uri(value: string): boolean {
  return siweRules.URI.test(value);
}

/** `true` for an EIP-4361 domain: an RFC 3986 authority with a non-empty host. */
export function isSiweDomain(value: string): boolean {
  if (!siweRules.authority.test(value)) return false;
  const host = value.replace(/^[^@]*@/, "").replace(/:[0-9]*$/, "");
  return host.length > 0;
}

/** `true` for an EIP-4361 statement: one line of RFC 3986 reserved / unreserved characters and spaces. */
export function isSiweStatement(value: string): boolean {
  return siweRules.statement.test(value);
}

const DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * Parses an RFC 3339 `date-time` with real calendar checks: month 01-12, the day within that
 * month (February 29 only in leap years), hour 00-23, minute and second 00-59, offset hours
 * 00-23. A leap second (`:60`) is refused because a `Date` cannot hold it.
 *
 * @returns The instant, or `null` when `value` is not such a date-time.
 */
export function parseRfc3339(value: string): Date | null {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offHour = Number(m[10]);
    const offMinute = Number(m[11]);
    if (offHour > 23 || offMinute > 59) return null;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offHour * 60 + offMinute);
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, "0"));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The fields of an EIP-4361 message exactly as written (strings, nothing normalised). */
export interface SiweMessageText {
  scheme?: string | undefined;
  domain: string;
  address: string;
  statement?: string | undefined;
  uri: string;
  version: string;
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime?: string | undefined;
  notBefore?: string | undefined;
  requestId?: string | undefined;
  /** Present when the message has a `Resources:` section (possibly empty). */
  resources?: string[] | undefined;
}

/** Result of {@link parseSiweText}: the fields, or the first field that broke the grammar. */
export type SiweParseResult = { ok: true; fields: SiweMessageText } | { ok: false; field: string };

const HEADER = new RegExp(`^(?:(${SCHEME})://)?(\\S*) wants you to sign in with your Ethereum account:$`);
const OPTIONAL_FIELDS = [
  ["Expiration Time: ", "expirationTime"],
  ["Not Before: ", "notBefore"],
  ["Request ID: ", "requestId"],
] as const;

/**
 * Parses an EIP-4361 message by its ABNF: every line in order, nothing before, between or after,
 * LF line ends only. Checks the syntax of every field (authority, EIP-4361 address shape,
 * statement characters, URIs, version `1`, chain id digits, 8+ alphanumeric nonce, RFC 3339
 * dates that exist on the calendar, request id `*pchar`). The EIP-55 checksum and the meaning of
 * the fields (domain binding, time window) are the caller's checks.
 *
 * @param message - The message text exactly as signed.
 * @returns The raw fields, or the first field that does not follow the grammar.
 */
export function parseSiweText(message: string): SiweParseResult {
  const fail = (field: string): SiweParseResult => ({ ok: false, field });
  const lines = message.split("\n");
  let i = 0;
  const header = HEADER.exec(lines[i++] ?? "");
  if (!header) return fail("domain");
  const [, scheme, domain = ""] = header;
  if (!isSiweDomain(domain)) return fail("domain");
  const address = lines[i++] ?? "";
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return fail("address");
  if (lines[i++] !== "") return fail("statement");
  let statement: string | undefined;
  if (lines[i] === "") {
    i++;
  } else {
    statement = lines[i++] ?? "";
    if (!isSiweStatement(statement)) return fail("statement");
    if (lines[i++] !== "") return fail("statement");
  }
  const take = (prefix: string): string | undefined => {
    const line = lines[i];
    if (line === undefined || !line.startsWith(prefix)) return undefined;
    i++;
    return line.slice(prefix.length);
  };
  const uri = take("URI: ");
  if (uri === undefined || !isRfc3986Uri(uri)) return fail("uri");
  const version = take("Version: ");
  if (version !== "1") return fail("version");
  const chainId = take("Chain ID: ");
  if (chainId === undefined || !/^[0-9]+$/.test(chainId)) return fail("chainId");
  const nonce = take("Nonce: ");
  if (nonce === undefined || !/^[A-Za-z0-9]{8,}$/.test(nonce)) return fail("nonce");
  const issuedAt = take("Issued At: ");
  if (issuedAt === undefined || parseRfc3339(issuedAt) === null) return fail("issuedAt");
  const fields: SiweMessageText = { domain, address, uri, version, chainId, nonce, issuedAt };
  if (scheme !== undefined) fields.scheme = scheme;
  if (statement !== undefined) fields.statement = statement;
  for (const [prefix, key] of OPTIONAL_FIELDS) {
    const value = take(prefix);
    if (value === undefined) continue;
    const valid = key === "requestId" ? new RegExp(`^${PCHAR}*$`).test(value) : parseRfc3339(value) !== null;
    if (!valid) return fail(key);
    fields[key] = value;
  }
  if (lines[i] === "Resources:") {
    i++;
    const resources: string[] = [];
    while (i < lines.length) {
      const resource = take("- ");
      if (resource === undefined || !isRfc3986Uri(resource)) return fail("resources");
      resources.push(resource);
    }
    fields.resources = resources;
  }
  if (i !== lines.length) return fail(lines[i] === undefined ? "message" : "trailing");
  return { ok: true, fields };
}

/**
 * Writes an EIP-4361 message from its fields, by the ABNF (a message without a statement keeps
 * the grammar's empty lines). Does not check the fields: {@link parseSiweText} does.
 *
 * @param fields - The fields, as they should appear.
 * @returns The message text to sign.
 */
export function formatSiweText(fields: SiweMessageText): string {
  const origin = fields.scheme === undefined ? fields.domain : `${fields.scheme}://${fields.domain}`;
  const lines = [`${origin} wants you to sign in with your Ethereum account:`, fields.address, ""];
  if (fields.statement !== undefined) lines.push(fields.statement);
  lines.push("");
  lines.push(`URI: ${fields.uri}`, `Version: ${fields.version}`, `Chain ID: ${fields.chainId}`, `Nonce: ${fields.nonce}`, `Issued At: ${fields.issuedAt}`);
  if (fields.expirationTime !== undefined) lines.push(`Expiration Time: ${fields.expirationTime}`);
  if (fields.notBefore !== undefined) lines.push(`Not Before: ${fields.notBefore}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources !== undefined) {
    lines.push("Resources:");
    for (const resource of fields.resources) lines.push(`- ${resource}`);
  }
  return lines.join("\n");
}
