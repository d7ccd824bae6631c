namespace Portal.Simulator;

/// <summary>
/// One request body from <c>Samples/</c>, byte for byte as Sentry encodes it. <see cref="Resource"/> is what Sentry puts
/// in <c>Sentry-Hook-Resource</c>; <see cref="Action"/> is the envelope's <c>action</c>.
/// </summary>
/// <param name="Name">The file name, e.g. <c>webhook.issue.archived.legacy.json</c>.</param>
/// <param name="Resource">e.g. <c>issue</c>.</param>
/// <param name="Action">e.g. <c>archived</c>.</param>
/// <param name="Body">The exact bytes Sentry signs and sends (pure ASCII).</param>
public sealed record Sample(string Name, string Resource, string Action, byte[] Body)
{
    /// <summary>True for event names only old apps receive (<c>issue.archived</c>, sentry-contract.md §2.8).</summary>
    public bool IsLegacy => Name.EndsWith(".legacy.json", StringComparison.Ordinal);

    /// <summary><c>resource.action</c>, as Sentry names the event.</summary>
    public string EventName => $"{Resource}.{Action}";
}
