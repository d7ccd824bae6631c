namespace Portal.SentryPlatform;

public enum SentryRequestRejection
{
    None,

    /// <summary>Over the route's limit: reading stopped there (413).</summary>
    TooLarge,

    /// <summary>Not <c>application/json</c> (415).</summary>
    UnsupportedMediaType,

    /// <summary>The body did not arrive within <see cref="SentryRequest.BodyDeadline"/> (408); Sentry sends it at once.</summary>
    TooSlow,

    /// <summary>The client closed the connection before the body ended; nobody is left to read the answer (400).</summary>
    Incomplete,
}
