using System.Net;

namespace Portal.SentryPlatform;

/// <summary>
/// A call to Sentry's API that did not succeed. The message names the operation, the status and Sentry's own
/// <c>detail</c> text — never a token, secret or grant code, so it is safe to log and to show to an admin.
/// </summary>
public sealed class SentryApiException : Exception
{
    public SentryApiException()
    {
    }

    public SentryApiException(string message)
        : base(message)
    {
    }

    public SentryApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SentryApiException(SentryApiFailure failure, string message, HttpStatusCode? statusCode = null, string? detail = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public SentryApiFailure Failure { get; }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>Sentry's <c>{"detail": …}</c> text, cleaned for display; null when it sent none.</summary>
    public string? Detail { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsUnauthorized => StatusCode == HttpStatusCode.Unauthorized;
}
