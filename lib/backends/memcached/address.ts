/** Where one memcached server listens, parsed from a Django LOCATION entry. */
export type ServerAddress = { kind: "tcp"; host: string; port: number; label: string } | { kind: "unix"; path: string; label: string };

const DEFAULT_PORT = 11211;

/**
 * Accepts what the Python clients accept: "host:port", "host" (port 11211), "[v6]:port", "unix:/path" and "/path".
 * The label is the location as configured, so the UI names servers the way the operator wrote them.
 */
export function parseAddress(location: string): ServerAddress {
  const label = location.trim();
  if (label === "") throw new Error("empty memcached location");
  if (label.startsWith("unix:")) {
    const path = label.slice("unix:".length);
    if (!path.startsWith("/")) throw new Error(`memcached unix socket path must be absolute: ${label}`);
    return { kind: "unix", path, label };
  }
  if (label.startsWith("/")) return { kind: "unix", path: label, label };
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(label);
  if (v6) return { kind: "tcp", host: v6[1], port: parsePort(v6[2], label), label };
  const hostPort = /^([A-Za-z0-9.\-_]+)(?::(\d+))?$/.exec(label);
  if (!hostPort) throw new Error(`invalid memcached location: ${label}`);
  return { kind: "tcp", host: hostPort[1], port: parsePort(hostPort[2], label), label };
}

function parsePort(text: string | undefined, label: string): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port in memcached location: ${label}`);
  return port;
}
