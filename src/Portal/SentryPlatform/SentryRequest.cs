using System.IO.Pipelines;
using System.Reflection;
using Microsoft.Net.Http.Headers;

namespace Portal.SentryPlatform;

/// <summary>
/// A request from Sentry with its raw body read once, so the signature filter and the handler see the same bytes
/// (minimal APIs bind parameters before filters run, so a <c>[FromBody]</c> parameter would consume the body first).
/// </summary>
public sealed class SentryRequest
{
    private readonly BodyReservation? reservation;

    private SentryRequest(HttpRequest request, byte[] body, SentryRequestRejection rejection, BodyReservation? reservation = null)
    {
        this.reservation = reservation;
        Body = body;
        Rejection = rejection;
        var headers = request.Headers;
        RequestId = headers[SentryHeaders.RequestId].ToString();
        Resource = headers[SentryHeaders.HookResource].ToString();
        Timestamp = headers[SentryHeaders.HookTimestamp].ToString();
        HookSignature = headers[SentryHeaders.HookSignature].ToString();
        AppSignature = headers[SentryHeaders.AppSignature].ToString();
        ServiceHookGuid = headers[SentryHeaders.ServiceHookGuid].ToString();
        ServiceHookTimestamp = headers[SentryHeaders.ServiceHookTimestamp].ToString();
        ServiceHookSignature = headers[SentryHeaders.ServiceHookSignature].ToString();
    }

    /// <summary>How long the whole body may take to arrive (reliability.md I7).</summary>
    public static readonly TimeSpan BodyDeadline = TimeSpan.FromSeconds(5);

    public byte[] Body { get; }

    /// <summary>The <see cref="TimeProvider"/> timestamp at which reading the request began (its acknowledgement latency starts here).</summary>
    public long ArrivedAt { get; private init; }

    public SentryRequestRejection Rejection { get; }

    public string RequestId { get; }

    public string Resource { get; }

    public string Timestamp { get; }

    public string HookSignature { get; }

    public string AppSignature { get; }

    public string ServiceHookGuid { get; }

    public string ServiceHookTimestamp { get; }

    public string ServiceHookSignature { get; }

    /// <summary>
    /// Minimal-API binder: size first (reading stops at the limit), then content type, then a share of the
    /// <see cref="UnverifiedBodyBudget"/>; never parses JSON.
    /// </summary>
    public static async ValueTask<SentryRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<SentryCallerMetadata>()
            ?? throw new InvalidOperationException($"{context.Request.Path} takes a {nameof(SentryRequest)} but has no {nameof(SentryCallerMetadata)}.");
        var request = context.Request;
        var arrivedAt = context.RequestServices.GetRequiredService<TimeProvider>().GetTimestamp();

        if (request.ContentLength > metadata.MaxBodyBytes)
        {
            return new SentryRequest(request, [], SentryRequestRejection.TooLarge) { ArrivedAt = arrivedAt };
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return new SentryRequest(request, [], SentryRequestRejection.None) { ArrivedAt = arrivedAt };
        }

        if (!IsJson(request.ContentType))
        {
            return new SentryRequest(request, [], SentryRequestRejection.UnsupportedMediaType) { ArrivedAt = arrivedAt };
        }

        // Reserved before a byte is read, so a refusal buffers nothing; given back by the signature filter, or at the
        // end of the request whatever happens in between.
        var budget = context.RequestServices.GetRequiredService<UnverifiedBodyBudget>();
        var reservation = request.ContentLength is { } length ? budget.TryReserve(length) : budget.Open();
        if (reservation is null)
        {
            return new SentryRequest(request, [], SentryRequestRejection.OverBudget) { ArrivedAt = arrivedAt };
        }

        context.Response.RegisterForDispose(reservation);
        var (body, rejection) = await ReadBodyAsync(context, metadata.MaxBodyBytes, reservation);
        return new SentryRequest(request, body, rejection, reservation) { ArrivedAt = arrivedAt };
    }

    /// <summary>Gives back this request's share of the <see cref="UnverifiedBodyBudget"/>: its signature has been checked.</summary>
    internal void ReleaseUnverifiedBody() => reservation?.Dispose();

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    // Copies the body out of Kestrel's pipe as it arrives, so it is held once, in the array the reservation paid for.
    // The deadline cancels the pending read rather than a token: a read cancelled by its token leaves Kestrel's body
    // reader mid-read, and Kestrel's drain after the 408 then logs an error with a stack trace for every such request.
    private static async Task<(byte[] Body, SentryRequestRejection Rejection)> ReadBodyAsync(
        HttpContext context, int maxBytes, BodyReservation reservation)
    {
        var reader = context.Request.BodyReader;
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        using var body = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 0);
        using var deadline = time.CreateTimer(static state => ((PipeReader)state!).CancelPendingRead(), reader, BodyDeadline, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                var buffer = result.Buffer;
                var total = body.Length + buffer.Length;
                if (total > maxBytes || !reservation.TryGrowTo(total))
                {
                    reader.AdvanceTo(buffer.End);
                    return ([], total > maxBytes ? SentryRequestRejection.TooLarge : SentryRequestRejection.OverBudget);
                }

                foreach (var segment in buffer)
                {
                    body.Write(segment.Span);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return (body.Length == body.Capacity ? body.GetBuffer() : body.ToArray(), SentryRequestRejection.None);
                }

                if (result.IsCanceled)
                {
                    return ([], SentryRequestRejection.TooSlow);
                }
            }
        }
        catch (BadHttpRequestException exception)
        {
            // Kestrel's own verdicts on the body: its minimum data rate, or a client that closed before the end.
            return ([], exception.StatusCode == StatusCodes.Status408RequestTimeout ? SentryRequestRejection.TooSlow : SentryRequestRejection.Incomplete);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return ([], SentryRequestRejection.Incomplete);
        }
    }
}
