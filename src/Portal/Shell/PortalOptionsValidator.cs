using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>An allowed origin that is not one (a path, a typo), or an instance name no header can carry, stops the start, naming the key.</summary>
internal sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Length; i++)
        {
            if (CrossOriginHubGuard.Normalize(options.AllowedOrigins[i]) is null)
            {
                failures.Add($"{PortalOptions.SectionName}:AllowedOrigins:{i} ('{options.AllowedOrigins[i]}') is not an origin such as https://dashboard.example.com (scheme, host and port only).");
            }
        }

        if (options.InstanceName is { } instance && (instance.Length > 64 || !instance.All(c => c is >= '!' and <= '~')))
        {
            failures.Add($"{PortalOptions.SectionName}:InstanceName ('{instance}') must be at most 64 printable ASCII characters without spaces, such as portal-1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
