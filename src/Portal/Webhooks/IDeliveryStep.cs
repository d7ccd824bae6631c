namespace Portal.Webhooks;

/// <summary>
/// Work on every delivery after its resource's handler, once its organization is known: what a higher feature
/// (Automations) adds to processing without Webhooks knowing it. A step takes part in each processing pass.
/// </summary>
internal interface IDeliveryStep
{
    /// <summary>The step's part of one pass over a batch of deliveries.</summary>
    IDeliveryStepPass BeginPass();
}

/// <summary>One step's work within one processing pass.</summary>
internal interface IDeliveryStepPass
{
    /// <summary>
    /// Judges one delivery; returns a reason it needs a person's attention, or null. Throwing retries the delivery on
    /// its schedule, as a handler's failure does.
    /// </summary>
    Task<string?> RunAsync(WebhookEvent webhook, long organizationId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores what the pass decided, before the deliveries' outcomes are recorded. Throwing leaves the whole batch due
    /// again, so what this stores must be idempotent per delivery.
    /// </summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
