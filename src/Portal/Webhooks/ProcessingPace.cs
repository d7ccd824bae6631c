namespace Portal.Webhooks;

/// <summary>
/// How the <see cref="DeliveryProcessor"/> paces its loop on the injected <see cref="TimeProvider"/>: how long new
/// work waits for more to gather, and the longest it sleeps.
/// </summary>
/// <remarks>A service rather than constants so that a host on a fake clock nobody moves can gather for no time at all.</remarks>
/// <param name="GatherWindow">How long new work may wait to be taken together with what follows it.</param>
/// <param name="IdleWait">The longest sleep: when nothing is due and nothing new arrives, and after a failed pass.</param>
/// <param name="ClaimLease">
/// How long a claim on PostgreSQL lasts unless renewed (<see cref="DeliveryClaims"/>): how long the deliveries an
/// instance had taken wait for another instance after it dies. <c>Portal:Processing:ClaimLease</c>.
/// </param>
internal sealed record ProcessingPace(TimeSpan GatherWindow, TimeSpan IdleWait, TimeSpan ClaimLease)
{
    public const string ClaimLeaseKey = "Portal:Processing:ClaimLease";

    /// <summary>20 ms to gather, at most 1 s asleep, 30 s claims: what the portal runs with.</summary>
    public static readonly ProcessingPace Default = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary><see cref="Default"/> with <c>Portal:Processing:ClaimLease</c> when set (at least 3 s, so it can be renewed in time).</summary>
    public static ProcessingPace From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[ClaimLeaseKey] switch
        {
            null or "" => Default,
            var text when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var lease) && lease >= TimeSpan.FromSeconds(3)
                => Default with { ClaimLease = lease },
            var text => throw new InvalidOperationException($"{ClaimLeaseKey} is \"{text}\"; it must be a time span of at least 3 s, such as 00:00:30."),
        };
    }
}
