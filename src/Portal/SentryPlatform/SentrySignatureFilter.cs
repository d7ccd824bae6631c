namespace Portal.SentryPlatform;

/// <summary>
/// The security boundary of every route Sentry calls: size, content type, then signature, before the handler
/// runs or any JSON is parsed (design.md §5).
/// </summary>
internal sealed partial class SentrySignatureFilter(
    SentrySigningKeys keys, IServiceHookKeys serviceHooks, SentryRequestMetrics metrics, ILogger<SentrySignatureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // SentryRequest.BindAsync has already insisted on both.
        var endpoint = context.HttpContext.GetEndpoint()!;
        var caller = endpoint.Metadata.GetRequiredMetadata<SentryCallerMetadata>();
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unknown";
        var request = context.Arguments.OfType<SentryRequest>().Single();
        switch (request.Rejection)
        {
            case SentryRequestRejection.TooLarge:
                metrics.Refused(route, "too_large");
                return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
            case SentryRequestRejection.UnsupportedMediaType:
                metrics.Refused(route, "bad_type");
                return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            case SentryRequestRejection.TooSlow:
                // The rest of that body is not worth waiting for on a connection kept alive.
                metrics.Refused(route, "too_slow");
                context.HttpContext.Response.Headers.Connection = "close";
                return TypedResults.StatusCode(StatusCodes.Status408RequestTimeout);
            case SentryRequestRejection.OverBudget:
                // Sentry retries a 503; the rest of a body that did not fit is not worth reading.
                metrics.Refused(route, "overloaded");
                context.HttpContext.Response.Headers.Connection = "close";
                context.HttpContext.Response.Headers.RetryAfter = SentryRetry.AfterHeader;
                return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
            case SentryRequestRejection.Incomplete:
                metrics.Refused(route, "incomplete");
                return TypedResults.BadRequest();
        }

        // A service hook's key is that hook's own secret, found by the GUID it sends.
        var hookKeys = caller.Scheme == SentrySignatureScheme.ServiceHook ? await serviceHooks.KeysOfAsync(request.ServiceHookGuid) : [];
        var check = caller.Scheme switch
        {
            SentrySignatureScheme.Hook => SentrySignature.Check(request.Body, request.HookSignature, keys.Active()),
            SentrySignatureScheme.App => SentrySignature.Check(request.Body, request.AppSignature, keys.Active()),
            SentrySignatureScheme.AppEmptyBody => SentrySignature.Check([], request.AppSignature, keys.Active()),
            SentrySignatureScheme.ServiceHook => SentrySignature.Check(request.Body, request.ServiceHookSignature, hookKeys),
            _ => throw new InvalidOperationException($"Unknown signature scheme {caller.Scheme}."),
        };

        // Verified or not, the body is no longer a stranger's to hold (a refusal above, or an exception, ends the
        // request, which gives the reservation back too).
        request.ReleaseUnverifiedBody();

        if (check != SignatureCheck.Valid)
        {
            metrics.Refused(route, "bad_signature");
            LogRejected(context.HttpContext.Request.Path, check, UntrustedText.ForLog(request.RequestId));
            return TypedResults.Unauthorized();
        }

        return await next(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request to {Path}: signature {Check} (Request-ID {RequestId})")]
    private partial void LogRejected(PathString path, SignatureCheck check, string requestId);
}
