namespace Portal.Shell;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the portal believes
/// (configuration section <c>Portal:ForwardedHeaders</c>). None by default, loopback included: a forwarded header
/// from anyone else is ignored, so it cannot choose the address the rate limits count.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "Portal:ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c> (a proxy on the same host: <c>127.0.0.1</c> and <c>::1</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may each add an entry (a CDN in front of a load balancer: 2).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool IsConfigured => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}
