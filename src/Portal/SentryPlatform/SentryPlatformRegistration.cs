using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

internal static class SentryPlatformRegistration
{
    /// <summary>Validated <see cref="SentryOptions"/>, the clock, and the signing keys the signature filter uses.</summary>
    public static IHostApplicationBuilder AddSentryPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<SentryOptions>().BindConfiguration(SentryOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<SentryOptions>, SentryOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SentrySigningKeys>();
        return builder;
    }
}
