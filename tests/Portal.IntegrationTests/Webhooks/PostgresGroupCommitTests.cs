using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.IntegrationTests.TestSupport;
using Portal.Webhooks;

namespace Portal.IntegrationTests.Webhooks;

/// <summary>
/// The PostgreSQL writer's group commit with two instances storing the same deliveries at once, as Sentry's retries
/// make them: every delivery ends stored once, one instance's group learns it is a duplicate, and no group fails
/// (a failed group would answer 503 to every delivery in it).
/// </summary>
public sealed class PostgresGroupCommitTests() : PostgresOnlyTest(ownDatabase: true)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_storing_the_same_groups_in_opposite_orders_store_each_delivery_once_without_failing()
    {
        await using var a = new PostgresDeliveryStore(Database.Settings);
        await using var b = new PostgresDeliveryStore(Database.Settings);

        for (var round = 0; round < 20; round++)
        {
            var group = Enumerable.Range(0, 64).Select(i => Delivery($"{round}-{i}")).ToList();
            var reversed = Enumerable.Reverse(group).ToList();

            var commits = await Task.WhenAll(
                Task.Run(() => a.CommitAsync(group, [], Cancel)),
                Task.Run(() => b.CommitAsync(reversed, [], Cancel)));

            // Each delivery was stored by exactly one of the two, and the other was told it is a duplicate.
            var storedByA = commits[0].Ids;
            var storedByB = commits[1].Ids.Reverse().ToList();
            Assert.All(Enumerable.Range(0, group.Count), i => Assert.True(storedByA[i] is null != storedByB[i] is null));
        }

        await using var db = Database.Open();
        Assert.Equal(20 * 64, await db.WebhookDeliveries.CountAsync(Cancel));
    }

    private static PendingDelivery Delivery(string marker)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"action":"created","data":{"marker":"{{{marker}}}"}}""");
        return new PendingDelivery
        {
            Body = body,
            StoredBody = body,
            BodySha256 = SHA256.HashData(body),
            Resource = "error",
            Action = "created",
            ReceivedAt = DateTimeOffset.UtcNow,
        };
    }
}
