using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Portal.Automations;

/// <summary>
/// Where the operator lets rules forward deliveries: <c>Automations:AllowedDestinations</c>, host patterns such as
/// <c>hooks.example.com</c> or <c>*.example.com</c>, each optionally with a port (<c>hooks.example.com:8443</c>);
/// without one a pattern allows ports 443 and 80 only. Nothing is allowed until the operator lists it. A wildcard
/// matches names, never IP literals. An address that is not public unicast (private, CGNAT, loopback, link-local,
/// multicast, reserved, or IPv6 embedding such an IPv4 address) is refused even under an allowed name — checked on
/// the address actually connected to, so DNS cannot point an allowed name inside — unless the operator lists that very
/// host by name (not by wildcard).
/// </summary>
internal sealed class ForwardDestinations
{
    public const string ConfigurationKey = "Automations:AllowedDestinations";

    private static readonly int[] DefaultPorts = [443, 80];

    private readonly Entry[] entries;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve;

    /// <param name="allowed">The operator's patterns, <c>host</c>, <c>*.suffix</c>, either with <c>:port</c>.</param>
    /// <param name="resolve">DNS, replaceable so tests can point a name anywhere; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default.</param>
    public ForwardDestinations(IReadOnlyList<string> allowed, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        Allowed = allowed;
        entries = [.. allowed.Select(Entry.Parse)];
        this.resolve = resolve ?? Dns.GetHostAddressesAsync;
    }

    public IReadOnlyList<string> Allowed { get; }

    public static ForwardDestinations From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigurationKey);
        var patterns = section.Get<string[]>() ?? (section.Value is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
        return new ForwardDestinations([.. patterns.Select(p => p.Trim().ToLowerInvariant()).Where(p => p.Length > 0)]);
    }

    /// <summary>
    /// A forwarding URL as readers may see it: scheme, host and a non-default port. The path and query are left out
    /// because hook URLs (Slack, Discord, Zapier) carry their secret there.
    /// </summary>
    public static string Redacted(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "(not a URL)";
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Why a rule may not forward to <paramref name="url"/>, or null when it may.</summary>
    public string? Problem(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "Forward to an absolute http(s) URL.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "A forwarding URL may not carry a user name or password.";
        }

        var host = HostKey(uri.IdnHost);
        if (!entries.Any(e => e.MatchesHost(host)))
        {
            return entries.Length == 0
                ? $"Forwarding is off: the operator has allowed no destination ({ConfigurationKey})."
                : $"{host} is not an allowed destination ({ConfigurationKey}: {string.Join(", ", Allowed)}).";
        }

        var matching = Matching(host, uri.Port);
        if (matching.Count == 0)
        {
            return $"Port {uri.Port.ToString(CultureInfo.InvariantCulture)} of {host} is not allowed: only 443 and 80, unless the operator lists "
                + $"{host}:{uri.Port.ToString(CultureInfo.InvariantCulture)} ({ConfigurationKey}).";
        }

        // An IP literal can only be allowed by an exact entry (wildcards match names), which also allows it when it
        // is internal; so whether the address is public is left to the connection, where every address is checked.
        return uri.Scheme == Uri.UriSchemeHttp && !matching.Any(e => !e.Wildcard)
            ? "Plain http is allowed only to a host the operator lists by name; use https."
            : null;
    }

    /// <summary>Whether a connection to <paramref name="address"/> for <paramref name="host"/>:<paramref name="port"/> may go ahead.</summary>
    public bool MayConnect(string host, int port, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        var matching = Matching(HostKey(host), port);
        return matching.Count > 0 && (IsPublicUnicast(address) || matching.Any(e => !e.Wildcard));
    }

    /// <summary>
    /// The address to connect to for <paramref name="host"/>: the first it resolves to that <see cref="MayConnect"/>
    /// allows; refused (<see cref="HttpRequestException"/>) when there is none.
    /// </summary>
    public async Task<IPAddress> AddressToConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Matching(HostKey(host), port).Count == 0)
        {
            throw new HttpRequestException($"{host}:{port.ToString(CultureInfo.InvariantCulture)} is not an allowed destination");
        }

        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolve(host, cancellationToken);
        return addresses.FirstOrDefault(a => MayConnect(host, port, a))
            ?? throw new HttpRequestException($"{host} resolves only to private or internal addresses, which the operator has not allowed (list the host by name to allow it)");
    }

    /// <summary>
    /// Whether <paramref name="address"/> is public unicast: not in a private, shared (CGNAT), loopback, link-local,
    /// multicast or reserved range, nor an IPv6 address carrying such an IPv4 address (mapped, compatible, NAT64,
    /// 6to4). Ranges per the IANA special-purpose address registries (RFC 6890).
    /// </summary>
    public static bool IsPublicUnicast(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPublicV4(b);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        // IPv4 inside IPv6 reaches the IPv4 address (the OS maps ::ffff:a.b.c.d; a NAT64 or 6to4 gateway translates
        // the others), so it is judged as that address. ::/96 covers :: and ::1 (0.0.0.0/8).
        if (b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && (b[10], b[11]) is (0, 0) or (0xff, 0xff))
        {
            return IsPublicV4(b.AsSpan(12)); // ::a.b.c.d (compatible), ::ffff:a.b.c.d (mapped)
        }

        if (b.AsSpan(0, 8).SequenceEqual(stackalloc byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }) && (b[8], b[9], b[10], b[11]) == (0xff, 0xff, 0, 0))
        {
            return IsPublicV4(b.AsSpan(12)); // ::ffff:0:a.b.c.d (SIIT, translated)
        }

        if (b.AsSpan(0, 12).SequenceEqual(stackalloc byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 }))
        {
            return IsPublicV4(b.AsSpan(12)); // 64:ff9b::/96, NAT64's well-known prefix
        }

        if ((b[0], b[1]) == (0x20, 0x02))
        {
            return IsPublicV4(b.AsSpan(2, 4)); // 2002:aabb:ccdd::/48, 6to4
        }

        return !(
            (b[0], b[1], b[2], b[3], b[4], b[5]) == (0, 0x64, 0xff, 0x9b, 0, 1) // 64:ff9b:1::/48, local-use NAT64: where the IPv4 sits is the network's choice
            || (b[0] & 0xfe) == 0xfc // fc00::/7, unique local (AWS's IMDS is fd00:ec2::254)
            || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // fe80::/10, link-local
            || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // fec0::/10, site-local (deprecated, still routed inside some networks)
            || b[0] == 0xff); // ff00::/8, multicast
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] is 0 or 10 or 127 // 0.0.0.0/8 "this network", 10/8 private, 127/8 loopback
        || (b[0] == 100 && (b[1] & 0xc0) == 64) // 100.64/10, shared address space (CGNAT)
        || (b[0] == 169 && b[1] == 254) // 169.254/16, link-local (cloud metadata services)
        || (b[0] == 172 && (b[1] & 0xf0) == 16) // 172.16/12, private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0) // 192.0.0/24, IETF protocol assignments
        || (b[0] == 192 && b[1] == 168) // 192.168/16, private
        || (b[0] == 198 && (b[1] & 0xfe) == 18) // 198.18/15, benchmarking
        || b[0] >= 224); // 224/4 multicast, 240/4 reserved, 255.255.255.255 broadcast

    /// <summary>A host as entries compare it: lower case, an IP literal in its canonical form and without brackets.</summary>
    private static string HostKey(string host)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var address) && bare.Contains(address.AddressFamily == AddressFamily.InterNetworkV6 ? ':' : '.', StringComparison.Ordinal)
            ? address.ToString()
            : host.ToLowerInvariant();
    }

    private List<Entry> Matching(string host, int port) => [.. entries.Where(e => e.MatchesHost(host) && e.MatchesPort(port))];

    /// <summary>One operator pattern: a host (exact) or <c>*.suffix</c> (names only), and the one port it allows, or null for 443 and 80.</summary>
    private sealed record Entry(string Host, int? Port)
    {
        public bool Wildcard => Host.StartsWith("*.", StringComparison.Ordinal);

        public static Entry Parse(string pattern)
        {
            var text = pattern.Trim().ToLowerInvariant();
            string host;
            string? port = null;
            if (text.StartsWith('['))
            {
                // [v6]:port or [v6]
                var end = text.IndexOf(']', StringComparison.Ordinal);
                host = end < 0 ? text : text[..(end + 1)];
                port = end >= 0 && end + 1 < text.Length && text[end + 1] == ':' ? text[(end + 2)..] : null;
            }
            else if (text.Count(c => c == ':') == 1)
            {
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                (host, port) = (text[..colon], text[(colon + 1)..]);
            }
            else
            {
                host = text; // a name, or a bare IPv6 literal (no port)
            }

            if (port is null)
            {
                return new Entry(HostKey(host), null);
            }

            return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535
                ? new Entry(HostKey(host), number)
                : throw new InvalidOperationException($"{ConfigurationKey}: \"{pattern}\" has no valid port after its ':'.");
        }

        public bool MatchesHost(string host) => Wildcard
            ? !IPAddress.TryParse(host, out _) && host.EndsWith(Host[1..], StringComparison.Ordinal) && host.Length > Host.Length - 1
            : host == Host;

        public bool MatchesPort(int port) => Port is { } only ? port == only : DefaultPorts.Contains(port);
    }
}
