using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
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
        var corruptId = await InsertWithCorruptBodyAsync();

        await client.SendAsync(SignedRequests.Webhook("issue", after), TestContext.Current.CancellationToken);

        await factory.ProcessedDeliveryAsync(after);
        await Eventually.TrueAsync(async () => await StateOfAsync(corruptId) == DeliveryState.Dead, "the corrupt delivery marked dead");
        Assert.Contains(factory.Logs.Lines, line => line.Contains($"Delivery {corruptId}'s stored body no longer matches", StringComparison.Ordinal));
    }

    // Written past the portal, in SQL both providers speak: a row whose stored body is not what its hash says.
    private async Task<long> InsertWithCorruptBodyAsync()
    {
        await using var db = factory.OpenDatabase();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "WebhookDeliveries" ("RequestId", "BodySha256", "Resource", "Action", "ReceivedAt", "Flags", "Source", "State", "Attempts", "NextAttemptAt")
            VALUES (NULL, @sha, 'issue', 'created', 0, 0, 0, 0, 0, 0) RETURNING "Id";
            """;
        Add(command, "@sha", RandomNumberGenerator.GetBytes(32));
        var id = (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        command.Parameters.Clear();
        command.CommandText = """INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") VALUES (@id, @body);""";
        Add(command, "@id", id);
        Add(command, "@body", new byte[] { 0x01, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff });
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return id;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task<DeliveryState?> StateOfAsync(long id)
    {
        await using var db = factory.OpenDatabase();
        return (await db.WebhookDeliveries.FindAsync([id], TestContext.Current.CancellationToken))?.State;
    }
}
