using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Forwards a delivery's body to a destination the operator allows, signed per Standard Webhooks with the rule's
/// secret. <c>webhook-id</c> is the same for every attempt of one (rule, delivery), so the receiver can drop repeats.
/// Redirects are never followed, and the connection is refused when the name resolves only to private or internal
/// addresses the operator did not list by name (<see cref="ForwardDestinations"/>). Results name the destination as
/// scheme://host[:port] only: hook URLs carry secrets in their path. Anything but a 2xx is a failed action, retried
/// by the automation worker.
/// </summary>
internal sealed class DeliveryForwarder(IHttpClientFactory clients, ForwardDestinations destinations, IDataProtectionProvider protection, TimeProvider time)
{
    public const string ClientName = "automation-forward";

    private const string Purpose = "Portal.Automations.SigningSecret";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public string Protect(string secret) => protection.CreateProtector(Purpose).Protect(secret);

    public string Unprotect(string protectedSecret) => protection.CreateProtector(Purpose).Unprotect(protectedSecret);

    public async Task<ActionResult> ForwardAsync(AutomationRule rule, RuleAction action, WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(webhook);
        if (destinations.Problem(action.Url) is { } problem)
        {
            return new ActionResult(action.Kind, ActionResult.Skipped, $"not forwarded: {problem}");
        }

        if (rule.ProtectedSigningSecret is not { } protectedSecret)
        {
            return new ActionResult(action.Kind, ActionResult.Failed, "the rule has no signing secret; save it again");
        }

        var id = $"msg_portal_{webhook.Delivery.Id.ToString(CultureInfo.InvariantCulture)}_{rule.Id.ToString(CultureInfo.InvariantCulture)}";
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var body = webhook.Delivery.Body;
        using var request = new HttpRequestMessage(HttpMethod.Post, action.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSignature.Sign(Unprotect(protectedSecret), id, timestamp, body));
        request.Headers.Add("Sentry-Hook-Resource", webhook.Resource);
        var destination = ForwardDestinations.Redacted(action.Url);
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var said = $"POST {destination} → {status.ToString(CultureInfo.InvariantCulture)} in {watch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";
            return response.IsSuccessStatusCode
                ? new ActionResult(action.Kind, ActionResult.Done, $"forwarded: {said}")
                : new ActionResult(action.Kind, ActionResult.Failed, status is >= 300 and < 400 ? $"{said} (a redirect, not followed)" : said);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or SocketException)
        {
            return new ActionResult(action.Kind, ActionResult.Failed,
                $"POST {destination} failed after {watch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture)} ms: {(exception is OperationCanceledException ? "timed out" : exception.Message)}");
        }
    }

    /// <summary>
    /// The handler forwards go through: no redirects, no proxy, and no connection to an internal address the operator
    /// did not name. A proxy (HTTPS_PROXY and the like, which HttpClient honours by default) would resolve and connect
    /// to the destination itself, out of reach of this check, so it is never used.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(ForwardDestinations destinations) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var address = await destinations.AddressToConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
