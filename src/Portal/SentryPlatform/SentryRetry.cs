namespace Portal.SentryPlatform;

/// <summary>What the portal asks of Sentry when it answers 503: Sentry retries a 503 (never a 4xx), after this long.</summary>
public static class SentryRetry
{
    /// <summary>Seconds Sentry is asked to wait (<c>Retry-After</c>) before retrying a 503.</summary>
    public const int AfterSeconds = 30;

    public static string AfterHeader => AfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
