using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>
/// The client's address and scheme behind a reverse proxy: <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>,
/// believed only from the proxies in <see cref="TrustedProxyOptions"/>. The framework would trust loopback by
/// default; the portal trusts exactly what the operator lists, and nothing when the list is empty.
/// </summary>
internal static class TrustedProxies
{
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var proxies = trusted.Value;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardedHeaders = proxies.IsConfigured ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            forwarded.ForwardLimit = proxies.ForwardLimit;
            foreach (var proxy in proxies.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, so HSTS, sign-in, the origin check and the rate limits all see the client.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
