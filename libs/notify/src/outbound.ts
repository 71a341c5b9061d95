import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';

const lookupAll = promisify(dnsLookup);

/** Why a channel URL may not be called; `field` and `detail` feed a 422's `errors[]`. */
export class OutboundRefused extends Error {
  constructor(readonly detail: string) {
    super(`refused by the outbound policy: ${detail}`);
    this.name = 'OutboundRefused';
  }
}

/** Address ranges (ipaddr.js names) a channel may reach without an allow-list entry. */
const PUBLIC_RANGES = new Set(['unicast']);

/**
 * Which URLs notification channels may call: the defence against using a
 * webhook as a port scanner or a read-back channel into the platform's
 * network (OWASP's Server-Side Request Forgery Prevention Cheat Sheet:
 * allow only public destinations, resolve names and check every address,
 * refuse redirects).
 *
 * Refused unless listed in `allow` (IPs, CIDR ranges or host names):
 * loopback, private (RFC 1918, IPv6 unique-local), link-local (cloud
 * metadata at 169.254.169.254), unspecified, carrier-grade NAT, multicast,
 * reserved and other non-unicast addresses, checked on every address a name
 * resolves to, at save time (`checkUrl`) and again when connecting (`lookup`,
 * for an HTTP agent), so a name re-pointed inside after it was saved is
 * refused too. The platform's own services (`ownEndpoints`, `host:port` of
 * Postgres, Redis, the api) are refused even when allowed. Only http and
 * https URLs pass.
 */
export class OutboundPolicy {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  private readonly hosts = new Set<string>();
  private readonly own: { host: string; port: number }[];

  constructor(allow: readonly string[] = [], ownEndpoints: readonly string[] = []) {
    for (const entry of allow) {
      const e = entry.trim().toLowerCase();
      if (!e) continue;
      if (e.includes('/') && ipaddr.isValidCIDR(e)) this.ranges.push(ipaddr.parseCIDR(e));
      else if (ipaddr.isValid(e)) {
        const a = normalise(ipaddr.parse(e));
        this.ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
      } else this.hosts.add(e);
    }
    this.own = ownEndpoints.flatMap((u) => {
      try {
        const url = new URL(u);
        const port = Number(url.port || defaultPort(url.protocol));
        return port ? [{ host: stripBrackets(url.hostname.toLowerCase()), port }] : [];
      } catch {
        return [];
      }
    });
  }

  /**
   * Checks a channel URL, resolving its host name. Throws OutboundRefused
   * with the reason. `resolve` is injectable for tests. A name that does not
   * resolve passes (checked again at every connection).
   */
  async checkUrl(raw: string, resolve: (host: string) => Promise<string[]> = resolveHost): Promise<void> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRefused('not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundRefused(`${url.protocol} URLs are not allowed (http or https only)`);
    const host = stripBrackets(url.hostname.toLowerCase());
    const port = Number(url.port || defaultPort(url.protocol));
    // A name that does not resolve yet passes here (a receiver deployed later); `lookup` checks it on every connect.
    const addresses = ipaddr.isValid(host) ? [host] : await resolve(host).catch(() => [] as string[]);
    for (const own of this.own) {
      if (own.port !== port) continue;
      const ownAddresses = ipaddr.isValid(own.host) ? [own.host] : await resolve(own.host).catch(() => [own.host]);
      const same =
        own.host === host ||
        addresses.some((a) => ownAddresses.includes(a) || isLocal(a)) ||
        ownAddresses.some((a) => isLocal(a) && host === 'localhost');
      if (same) throw new OutboundRefused(`${host}:${port} is one of the platform's own services`);
    }
    if (this.hosts.has(host)) return;
    for (const a of addresses) {
      const reason = this.refusal(a);
      if (reason) throw new OutboundRefused(reason);
    }
  }

  /** Why connecting to `address` is refused, or null when it is allowed. */
  refusal(address: string): string | null {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    const a = normalise(ipaddr.parse(address));
    if (this.ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits))) return null;
    const range = a.range();
    if (PUBLIC_RANGES.has(range)) return null;
    return `${address} is a ${range} address (allow it with ANOM_OUTBOUND_ALLOW)`;
  }

  /**
   * A `dns.lookup`-compatible function for an HTTP agent's `connect.lookup`:
   * resolves as usual, then fails with OutboundRefused when any address is
   * refused (host names in the allow-list pass as resolved).
   */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (!this.hosts.has(hostname.toLowerCase()))
        for (const a of list) {
          const reason = this.refusal(a.address);
          if (reason) return callback(new OutboundRefused(reason), []);
        }
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

async function resolveHost(host: string): Promise<string[]> {
  return (await lookupAll(host, { all: true })).map((a) => a.address);
}

function normalise(a: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

function isLocal(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const r = normalise(ipaddr.parse(address)).range();
  return r === 'loopback' || r === 'unspecified';
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function defaultPort(protocol: string): number {
  return protocol === 'https:'
    ? 443
    : protocol === 'http:'
      ? 80
      : protocol === 'redis:'
        ? 6379
        : protocol.startsWith('postgres')
          ? 5432
          : 0;
}
