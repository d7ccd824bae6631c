using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Portal.Simulator;

/// <summary>
/// Posts deliveries to <c>{baseUrl}/sentry/webhook</c> with the headers Sentry sends (sentry-contract.md §2.1): a fresh
/// <c>Request-ID</c> and <c>Sentry-Hook-Timestamp</c> per attempt.
/// </summary>
public sealed class SentryWebhookSender(HttpClient http, Uri baseUrl, TimeProvider? time = null)
{
    /// <summary>The <c>User-Agent</c> Sentry's outbound client uses, with a version that says who really sent it.</summary>
    public const string UserAgent = "sentry/simulator (https://sentry.io)";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>The webhook URL under the base URL.</summary>
    public Uri WebhookUri { get; } = WebhookUriFor(baseUrl);

    /// <summary><c>{baseUrl}/sentry/webhook</c>, keeping any path prefix of <paramref name="baseUrl"/>.</summary>
    public static Uri WebhookUriFor(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var text = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri(text + "/sentry/webhook", UriKind.Absolute);
    }

    /// <summary>Builds one attempt. <paramref name="unixSeconds"/> goes in <c>Sentry-Hook-Timestamp</c>.</summary>
    public static HttpRequestMessage CreateRequest(Uri webhookUri, SignedDelivery delivery, string requestId, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var content = new ByteArrayContent(delivery.Body);

        // Sentry sends "application/json" with no charset parameter.
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, webhookUri) { Content = content };
        request.Headers.TryAddWithoutValidation("Request-ID", requestId);
        request.Headers.TryAddWithoutValidation("Sentry-Hook-Resource", delivery.Resource);
        request.Headers.TryAddWithoutValidation("Sentry-Hook-Timestamp", unixSeconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Sentry-Hook-Signature", delivery.Signature);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return request;
    }

    /// <summary>A new <c>Request-ID</c>: <c>uuid4().hex</c>, 32 lowercase hex digits.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>Sends one attempt; a transport failure is reported in the result, not thrown.</summary>
    public async Task<DeliveryResult> SendAsync(SignedDelivery delivery, CancellationToken cancellationToken)
    {
        var requestId = NewRequestId();
        using var request = CreateRequest(WebhookUri, delivery, requestId, clock.GetUtcNow().ToUnixTimeSeconds());
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - clock.GetUtcNow(),
                _ => (TimeSpan?)null,
            };
            return new DeliveryResult(requestId, (int)response.StatusCode, retryAfter, Stopwatch.GetElapsedTime(started), null);
        }
        catch (HttpRequestException exception)
        {
            return new DeliveryResult(requestId, null, null, Stopwatch.GetElapsedTime(started), exception.Message);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(requestId, null, null, Stopwatch.GetElapsedTime(started), "timed out: " + exception.Message);
        }
    }
}
