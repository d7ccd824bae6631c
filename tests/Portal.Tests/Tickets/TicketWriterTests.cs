using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;
using Portal.Tickets;

namespace Portal.Tests.Tickets;

public sealed class TicketWriterTests() : PortalComponentTest(TicketServices.Add)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tickets_written_at_once_are_numbered_one_after_another_per_organization()
    {
        AddOrganization(43, "globex");
        var writer = Services.GetRequiredService<TicketWriter>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => writer.WriteAsync(async db =>
        {
            var organization = i % 2 == 0 ? TestOrganizationId : 43;
            db.Tickets.Add(Ticket(organization, await TicketWriter.NextNumberAsync(db, organization, Cancel)));
            await db.SaveChangesAsync(Cancel);
            return true;
        }, Cancel), Cancel)));

        using var db = OpenDatabase();
        Assert.Equal(Enumerable.Range(1, 10), db.Tickets.Where(t => t.OrganizationId == TestOrganizationId).Select(t => t.Number).OrderBy(n => n));
        Assert.Equal(Enumerable.Range(1, 10), db.Tickets.Where(t => t.OrganizationId == 43).Select(t => t.Number).OrderBy(n => n));
    }

    [Fact]
    public async Task A_write_that_meets_a_number_taken_meanwhile_is_tried_again_and_decides_again()
    {
        var writer = Services.GetRequiredService<TicketWriter>();
        var attempts = 0;

        var number = await writer.WriteAsync(async db =>
        {
            var next = await TicketWriter.NextNumberAsync(db, TestOrganizationId, Cancel);
            if (++attempts == 1)
            {
                // Another process takes the number between the read and the write.
                using var other = OpenDatabase();
                other.Tickets.Add(Ticket(TestOrganizationId, next));
                await other.SaveChangesAsync(Cancel);
            }

            db.Tickets.Add(Ticket(TestOrganizationId, next));
            await db.SaveChangesAsync(Cancel);
            return next;
        }, Cancel);

        Assert.Equal((2, 2), (attempts, number));
    }

    private static Ticket Ticket(long organization, int number) => new()
    {
        OrganizationId = organization, Number = number, Title = $"Ticket {number}", CreatedBy = "test",
        CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
    };
}
