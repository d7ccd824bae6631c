using System.Collections.Frozen;

namespace Portal.Webhooks;

/// <summary>Hands a delivery to the one handler for its resource. Resources without a handler need no work.</summary>
internal sealed class WebhookDispatcher(IEnumerable<IWebhookHandler> handlers)
{
    private readonly FrozenDictionary<string, IWebhookHandler> byResource =
        handlers.ToFrozenDictionary(handler => handler.Resource, StringComparer.Ordinal);

    public Task<HandlerOutcome> DispatchAsync(WebhookEvent webhook, CancellationToken cancellationToken) =>
        byResource.TryGetValue(webhook.Resource, out var handler)
            ? handler.HandleAsync(webhook, cancellationToken)
            : Task.FromResult(HandlerOutcome.Done);
}
