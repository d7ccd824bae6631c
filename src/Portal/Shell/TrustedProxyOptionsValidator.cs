using System.Net;
using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>A proxy address that does not parse stops the start, naming the key, instead of trusting nobody silently.</summary>
internal sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{TrustedProxyOptions.SectionName}:KnownProxies:{i} ('{options.KnownProxies[i]}') is not an IP address such as 10.0.0.5.");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Length; i++)
        {
            if (!IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"{TrustedProxyOptions.SectionName}:KnownNetworks:{i} ('{options.KnownNetworks[i]}') is not a network in CIDR notation such as 10.0.0.0/8.");
            }
        }

        if (options.ForwardLimit < 1)
        {
            failures.Add($"{TrustedProxyOptions.SectionName}:ForwardLimit must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
