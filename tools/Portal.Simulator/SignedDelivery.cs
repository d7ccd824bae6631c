namespace Portal.Simulator;

/// <summary>A body ready to post to <c>/sentry/webhook</c>, with its <c>Sentry-Hook-Signature</c>.</summary>
/// <param name="Resource">The <c>Sentry-Hook-Resource</c> header.</param>
/// <param name="Action">The envelope's <c>action</c> (for display).</param>
/// <param name="Body">The exact bytes to send.</param>
/// <param name="Signature">Lowercase hex HMAC-SHA256 of <paramref name="Body"/>.</param>
public sealed record SignedDelivery(string Resource, string Action, byte[] Body, string Signature)
{
    /// <summary><c>resource.action</c>.</summary>
    public string EventName => $"{Resource}.{Action}";
}
