namespace Portal.Webhooks;

/// <summary>
/// Does what one resource's deliveries mean for the portal. Must be idempotent and order-independent: Sentry
/// retries, and deliveries arrive out of order (reliability.md W8).
/// </summary>
internal interface IWebhookHandler
{
    /// <summary>The <c>Sentry-Hook-Resource</c> this handler takes.</summary>
    string Resource { get; }

    /// <summary>Does the work; throws to have the delivery retried, returns what became of it otherwise.</summary>
    Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken);
}
