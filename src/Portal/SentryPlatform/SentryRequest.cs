using System.Buffers;
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

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(BodyDeadline);
        try
        {
            var body = await ReadBodyAsync(request, metadata.MaxBodyBytes, deadline.Token);
            return body is null
                ? new SentryRequest(request, [], SentryRequestRejection.TooLarge)
                : new SentryRequest(request, body, SentryRequestRejection.None);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return new SentryRequest(request, [], SentryRequestRejection.TooSlow);
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    // Returns null as soon as more than maxBytes have arrived (chunked bodies have no Content-Length to check first).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
