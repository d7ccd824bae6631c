namespace Portal.Data.Entities;

public enum DeliverySource
{
    /// <summary>The Sentry App's webhook (<c>Sentry-Hook-Signature</c>).</summary>
    AppWebhook = 0,

    /// <summary>A project service hook (<c>X-ServiceHook-Signature</c>).</summary>
    ServiceHook = 1,
}
