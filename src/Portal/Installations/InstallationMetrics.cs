using System.Diagnostics.Metrics;

namespace Portal.Installations;

/// <summary>Token refresh outcomes (reliability.md A8), on the <c>Portal.Installations</c> meter.</summary>
internal sealed class InstallationMetrics
{
    public const string MeterName = "Portal.Installations";

    private readonly Counter<long> refreshes;

    public InstallationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        refreshes = meterFactory.Create(MeterName).CreateCounter<long>(
            "portal.installation.token_refreshes",
            description: "Token refreshes by result: refreshed and recovered (JWT manual refresh) succeeded; failed kept the old token; needs_reauthorization ended it.");
    }

    public void Refreshed(string result) => refreshes.Add(1, new KeyValuePair<string, object?>("result", result));
}
