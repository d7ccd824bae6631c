using Microsoft.Data.Sqlite;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Webhooks;

public sealed class StoredBodyCorruptionTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_body_corrupted_on_disk_is_set_aside_as_dead_and_the_deliveries_around_it_are_processed()
    {
        var client = factory.CreateClient();
        var before = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "600000001");
        var after = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "600000002");
        await client.SendAsync(SignedRequests.Webhook("issue", before), TestContext.Current.CancellationToken);
        await factory.ProcessedDeliveryAsync(before);
        var corruptId = InsertWithCorruptBody();

        await client.SendAsync(SignedRequests.Webhook("issue", after), TestContext.Current.CancellationToken);

        await factory.ProcessedDeliveryAsync(after);
        await Eventually.TrueAsync(async () => await StateOfAsync(corruptId) == DeliveryState.Dead, "the corrupt delivery marked dead");
        Assert.Contains(factory.Logs.Lines, line => line.Contains($"Delivery {corruptId}'s stored body no longer matches", StringComparison.Ordinal));
    }

    private long InsertWithCorruptBody()
    {
        using var connection = new SqliteConnection(factory.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "WebhookDeliveries" ("RequestId", "BodySha256", "Resource", "Action", "ReceivedAt", "Flags", "Source", "State", "Attempts", "NextAttemptAt")
            VALUES (NULL, randomblob(32), 'issue', 'created', 0, 0, 0, 0, 0, 0) RETURNING "Id";
            """;
        var id = (long)command.ExecuteScalar()!;
        command.CommandText = """INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") VALUES ($id, x'01ff00000000ffffffff');""";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        return id;
    }

    private async Task<DeliveryState?> StateOfAsync(long id)
    {
        await using var db = factory.OpenDatabase();
        return (await db.WebhookDeliveries.FindAsync([id], TestContext.Current.CancellationToken))?.State;
    }
}
