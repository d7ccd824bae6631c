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

    /// <summary>
    /// The <see cref="UnverifiedBodyBudget"/> could not hold the body (503 with <c>Retry-After</c>): refused before
    /// reading, or, for a chunked body, as soon as it outgrew what was left.
    /// </summary>
    OverBudget,

    /// <summary>The client closed the connection before the body ended; nobody is left to read the answer (400).</summary>
    Incomplete,
}
