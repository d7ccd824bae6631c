namespace Portal.SentryPlatform;

public enum SentryApiFailure
{
    /// <summary>No answer: connection refused or reset, DNS, TLS, or the timeout.</summary>
    Unreachable,

    /// <summary>Sentry answered 429 and asked for more time than the client waits.</summary>
    RateLimited,

    /// <summary>Sentry answered with a status the caller has to handle (4xx, 5xx, a redirect).</summary>
    Refused,

    /// <summary>Sentry answered 2xx with a body that is not what the contract says.</summary>
    UnexpectedAnswer,
}
