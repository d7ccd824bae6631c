using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Portal.SentryPlatform;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>Builds webhook requests the way Sentry sends them (sentry-contract.md §2.1).</summary>
internal static class SignedRequests
{
    public static HttpRequestMessage Webhook(
        string resource, byte[] body, string secret = SampleDeliveries.Secret, string? signature = null,
        string? timestamp = null, string? requestId = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/sentry/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("Request-ID", requestId ?? Guid.NewGuid().ToString("N"));
        request.Headers.Add("Sentry-Hook-Resource", resource);
        request.Headers.Add("Sentry-Hook-Timestamp", timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Sentry-Hook-Signature", signature ?? Sign(body, secret));
        return request;
    }

    /// <summary>An issue-link or alert-rule-action request: <c>Sentry-App-Signature</c> over the body (sentry-contract.md §3.2).</summary>
    public static HttpRequestMessage UiComponent(string path, byte[] body, string secret = SampleDeliveries.Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Request-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Sentry-App-Signature", Sign(body, secret));
        return request;
    }

    public static HttpRequestMessage Webhook(SampleDelivery sample) => Webhook(sample.Resource, sample.Body, signature: sample.Signature);

    public static string Sign(byte[] body, string secret = SampleDeliveries.Secret) =>
        SentrySignature.Compute(body, Encoding.UTF8.GetBytes(secret));

    /// <summary>A sample with one id replaced, so it is a new delivery rather than a duplicate.</summary>
    public static byte[] Unique(SampleDelivery sample, string marker) =>
        Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(sample.Body).Replace("1170820242", marker, StringComparison.Ordinal)
            .Replace("\"comment_id\":1234", $"\"comment_id\":{marker}", StringComparison.Ordinal));
}
