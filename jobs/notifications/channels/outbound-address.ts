/**
 * Where a webhook may post. Only public unicast addresses, unless the admin's allow-list
 * (WEBHOOK_ALLOW_HOSTS) names the host or a range holding its address: otherwise a webhook would be
 * a port scanner of the platform's own network, its cloud metadata service included.
 *
 * The check runs at send time on the addresses DNS gives now, and the connection goes to the very
 * address checked (a custom `lookup`), so a name that later resolves elsewhere (DNS rebinding) does
 * not slip through. The API also refuses obviously internal URLs when a webhook is saved.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface AllowList {
  hosts: ReadonlySet<string>;
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export const emptyAllowList: AllowList = { hosts: new Set(), ranges: [] };

/** "127.0.0.1, 10.0.0.0/8, hooks.intranet" → host names and address ranges (a bare address is a /32 or /128). */
export function parseAllowList(raw: string | undefined): AllowList {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of (raw ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    const bare = entry.replace(/^\[|\]$/g, '');
    if (entry.includes('/')) ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(bare)) ranges.push([ipaddr.process(bare), ipaddr.process(bare).kind() === 'ipv4' ? 32 : 128]);
    else hosts.add(entry);
  }
  return { hosts, ranges };
}

/** The URL's host as a plain name or address: lower case, IPv6 brackets off. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

/** Why an address may not be posted to ('loopback', 'private', 'linkLocal'…), or null for a public unicast one. */
export function forbiddenRange(address: string): string | null {
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 is judged as the IPv4 address it is
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

function allowedAddress(address: string, allow: AllowList): boolean {
  const parsed = ipaddr.process(address);
  return allow.ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits));
}

export class RefusedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`address ${address} of ${host} is ${range}, not a public address (allow it in WEBHOOK_ALLOW_HOSTS)`);
    this.name = 'RefusedAddressError';
  }
}

/** Why a URL is refused before any lookup (an internal address written out, or localhost), or null. */
export function literalAddressProblem(url: URL, allow: AllowList): string | null {
  const host = hostOf(url);
  if (allow.hosts.has(host)) return null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (!ipaddr.isValid(host)) return null;
  const range = forbiddenRange(host);
  return range && !allowedAddress(host, allow) ? `${host} is ${range}, not a public address` : null;
}

/** Resolves the host and checks every address it has; throws RefusedAddressError on any internal one. */
export async function resolvePublicAddress(host: string, allow: AllowList): Promise<{ address: string; family: number }> {
  const found = ipaddr.isValid(host) ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }] : await dnsLookup(host, { all: true });
  if (found.length === 0) throw new Error(`${host} has no address`);
  if (allow.hosts.has(host)) return found[0]!;
  for (const { address } of found) {
    const range = forbiddenRange(address);
    if (range && !allowedAddress(address, allow)) throw new RefusedAddressError(host, address, range);
  }
  return found[0]!;
}

/** A `lookup` for http(s).request that answers with the address already checked, whatever DNS says now. */
export function pinnedLookup(checked: { address: string; family: number }): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
}
