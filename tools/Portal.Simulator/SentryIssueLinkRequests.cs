using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Portal.Simulator;

/// <summary>
/// What Sentry's server sends when someone submits the Link Issue modal (sentry-contract.md §3.3): the body in
/// Sentry's encoding (compact, ASCII with \u escapes, keys in Sentry's order, integer ids), signed with
/// <c>Sentry-App-Signature</c>. Each call names a fresh issue id, so each create makes a new ticket.
/// </summary>
public static class SentryIssueLinkRequests
{
    private static long nextIssue = 1_170_820_242;

    public static HttpRequestMessage Create(Uri portal, Guid installation, string organizationSlug, string secret)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var issue = Interlocked.Increment(ref nextIssue).ToString(CultureInfo.InvariantCulture);
        var body = Encoding.ASCII.GetBytes(
            "{\"fields\":{\"title\":\"ZeroDivisionError: caf\\u00e9 total\",\"description\":\"Raised in checkout.views.total\",\"priority\":\"high\"}," +
            $"\"issueId\":{issue},\"installationId\":\"{installation:D}\",\"webUrl\":\"https://{organizationSlug}.sentry.io/issues/{issue}/\"," +
            "\"project\":{\"slug\":\"front-end\",\"id\":1},\"actor\":{\"type\":\"user\",\"id\":1,\"name\":\"Jos\\u00e9 Mar\\u00eda\"}}");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portal, "/sentry/issue-link/create")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Request-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Sentry-App-Signature", SentrySigner.Sign(body, secret));
        request.Headers.UserAgent.ParseAdd(SentryWebhookSender.UserAgent);
        return request;
    }
}
