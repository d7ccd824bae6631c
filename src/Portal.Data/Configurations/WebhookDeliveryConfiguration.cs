using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Converters;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");

        // The raw body is written once and never changes, while state changes with every attempt. SQLite rewrites a
        // whole row on UPDATE, so the body lives in a table of its own and processing never rewrites kilobytes.
        builder.SplitToTable("WebhookDeliveryBodies", table => table.Property(d => d.Body));
        builder.Property(d => d.Body).HasConversion<CompressedBodyConverter>();
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();

        // Dedupe key (reliability.md W7): Sentry's retries carry a new Request-ID but the same body.
        builder.HasIndex(d => d.BodySha256).IsUnique();
        builder.Property(d => d.BodySha256).HasMaxLength(32);

        builder.HasIndex(d => d.RequestId);
        builder.Property(d => d.RequestId).HasMaxLength(64);
        builder.Property(d => d.Resource).HasMaxLength(64);
        builder.Property(d => d.Action).HasMaxLength(64);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.Property(d => d.Summary).HasMaxLength(300);
        builder.Property(d => d.ClaimedBy).HasMaxLength(Limits.Claimant);

        // The processor's work queue: only deliveries still to process (Pending, Retrying), in arrival order. Partial,
        // so it stays as small as the backlog and processed rows leave it instead of moving inside it.
        builder.HasIndex(d => new { d.Id, d.NextAttemptAt })
            .HasDatabaseName("IX_WebhookDeliveries_Due")
            .HasFilter("\"State\" IN (0, 2)");
        builder.HasIndex(d => d.InstallationUuid);

        // Every person's list is filtered by organization, newest first.
        builder.HasIndex(d => new { d.OrganizationId, d.Id });
        builder.HasOne(d => d.Organization).WithMany().HasForeignKey(d => d.OrganizationId).OnDelete(DeleteBehavior.Restrict);

        // The overview's "per minute" window. Arrival order, so every insert lands on the last page: no random writes.
        builder.HasIndex(d => d.ReceivedAt);
    }
}
