using System.Net;
using System.Net.Sockets;

namespace Portal.Automations;

/// <summary>
/// Where the operator lets rules forward deliveries: <c>Automations:AllowedDestinations</c>, host patterns such as
/// <c>hooks.example.com</c> or <c>*.example.com</c>. Nothing is allowed until the operator lists it. Loopback,
/// link-local and unspecified addresses are refused even under an allowed name (checked again on the address actually
/// connected to, so DNS cannot point an allowed name at them) unless the operator lists that very host.
/// </summary>
internal sealed class ForwardDestinations(IReadOnlyList<string> allowed)
{
    public const string ConfigurationKey = "Automations:AllowedDestinations";

    public IReadOnlyList<string> Allowed { get; } = allowed;

    public static ForwardDestinations From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigurationKey);
        var patterns = section.Get<string[]>() ?? (section.Value is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
        return new ForwardDestinations([.. patterns.Select(p => p.Trim().ToLowerInvariant()).Where(p => p.Length > 0)]);
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

        var host = uri.IdnHost.ToLowerInvariant();
        if (!Allowed.Any(pattern => Matches(pattern, host)))
        {
            return Allowed.Count == 0
                ? $"Forwarding is off: the operator has allowed no destination ({ConfigurationKey})."
                : $"{host} is not an allowed destination ({ConfigurationKey}: {string.Join(", ", Allowed)}).";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !Allowed.Contains(host))
        {
            return "Plain http is allowed only to a host the operator lists by name; use https.";
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsInternal(address) && !Allowed.Contains(host)
            ? $"{host} is a loopback or link-local address; the operator must list it by name to allow it."
            : null;
    }

    /// <summary>Whether a connection to <paramref name="address"/> for <paramref name="host"/> may go ahead.</summary>
    public bool MayConnect(string host, IPAddress address) =>
        !IsInternal(address) || Allowed.Contains(host.ToLowerInvariant());

    private static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal)
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork && bytes[0] == 169 && bytes[1] == 254;
    }

    private static bool Matches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
            : host == pattern;
}
