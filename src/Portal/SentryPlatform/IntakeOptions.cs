namespace Portal.SentryPlatform;

/// <summary>
/// How much memory request bodies may hold before their signature is checked (configuration section
/// <c>Portal:Intake</c>). Anyone can send a body to the routes Sentry calls; until it is verified it is a stranger's.
/// </summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Portal:Intake";

    /// <summary>
    /// Bytes of unverified bodies all requests together may hold while they are read (default 32 MiB). A request
    /// reserves its Content-Length before reading (a chunked one, as bytes arrive); one that cannot is answered 503
    /// with <c>Retry-After</c> at once. The reservation ends with the signature check.
    /// </summary>
    public long UnverifiedBodyBudgetBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The part of the budget only small bodies (at most <see cref="UnverifiedBodyBudget.SmallBodyBytes"/>, which is what
    /// Sentry's deliveries are) may use (default 4 MiB), so large unverified bodies can never crowd out a real delivery.
    /// </summary>
    public long SmallBodyReserveBytes { get; set; } = 4 * 1024 * 1024;
}
