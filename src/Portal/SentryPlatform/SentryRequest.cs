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
    private SentryRequest(HttpRequest request, byte[] body, SentryRequestRejection rejection)
    {
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

    public SentryRequestRejection Rejection { get; }

    public string RequestId { get; }

    public string Resource { get; }

    public string Timestamp { get; }

    public string HookSignature { get; }

    public string AppSignature { get; }

    public string ServiceHookGuid { get; }

    public string ServiceHookTimestamp { get; }

    public string ServiceHookSignature { get; }

    /// <summary>Minimal-API binder: size first (reading stops at the limit), then content type; never parses JSON.</summary>
    public static async ValueTask<SentryRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<SentryCallerMetadata>()
            ?? throw new InvalidOperationException($"{context.Request.Path} takes a {nameof(SentryRequest)} but has no {nameof(SentryCallerMetadata)}.");
        var request = context.Request;

        if (request.ContentLength > metadata.MaxBodyBytes)
        {
            return new SentryRequest(request, [], SentryRequestRejection.TooLarge);
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return new SentryRequest(request, [], SentryRequestRejection.None);
        }

        if (!IsJson(request.ContentType))
        {
            return new SentryRequest(request, [], SentryRequestRejection.UnsupportedMediaType);
        }

        var (body, rejection) = await ReadBodyAsync(context, metadata.MaxBodyBytes);
        return new SentryRequest(request, body, rejection);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    // Copies the body out of Kestrel's pipe as it arrives, so it is held once.
    // The deadline cancels the pending read rather than a token: a read cancelled by its token leaves Kestrel's body
    // reader mid-read, and Kestrel's drain after the 408 then logs an error with a stack trace for every such request.
    private static async Task<(byte[] Body, SentryRequestRejection Rejection)> ReadBodyAsync(
        HttpContext context, int maxBytes)
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
                if (total > maxBytes)
                {
                    reader.AdvanceTo(buffer.End);
                    return ([], SentryRequestRejection.TooLarge);
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
