namespace Portal.Webhooks;

/// <summary>
/// How the <see cref="DeliveryProcessor"/> paces its loop on the injected <see cref="TimeProvider"/>: how long new
/// work waits for more to gather, and the longest it sleeps.
/// </summary>
/// <remarks>A service rather than constants so that a host on a fake clock nobody moves can gather for no time at all.</remarks>
/// <param name="GatherWindow">How long new work may wait to be taken together with what follows it.</param>
/// <param name="IdleWait">The longest sleep: when nothing is due and nothing new arrives, and after a failed pass.</param>
internal sealed record ProcessingPace(TimeSpan GatherWindow, TimeSpan IdleWait)
{
    /// <summary>20 ms to gather, at most 1 s asleep: what the portal runs with.</summary>
    public static readonly ProcessingPace Default = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1));
}
