using System.Collections.Concurrent;
using System.Text;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Process;

/// <summary>
/// Sends unique signed deliveries over several connections and remembers which ones were acknowledged; generators
/// aimed at different instances of one database take different <paramref name="firstId"/>s so their bodies differ.
/// </summary>
internal sealed class LoadGenerator(Uri baseAddress, int connections = 16, long firstId = 0)
{
    private static readonly string Template = Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.issue.created.json").Body);
    private long sequence = firstId;

    public ConcurrentBag<byte[]> Acknowledged { get; } = [];

    public int Refused => refused;

    private int refused;

    /// <summary>Runs until <paramref name="stop"/> is cancelled; connection errors (the process dying) end quietly.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(() => LoopAsync(client, stop), CancellationToken.None)));
    }

    private async Task LoopAsync(HttpClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = Interlocked.Increment(ref sequence);
            var body = Encoding.ASCII.GetBytes(Template.Replace("1170820242", (5_000_000_000 + id).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            try
            {
                using var response = await client.SendAsync(SignedRequests.Webhook("issue", body), CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    Acknowledged.Add(body);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref refused);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
