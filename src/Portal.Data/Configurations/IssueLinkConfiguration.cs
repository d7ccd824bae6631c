using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class IssueLinkConfiguration : IEntityTypeConfiguration<IssueLink>
{
    public void Configure(EntityTypeBuilder<IssueLink> builder)
    {
        builder.ToTable("IssueLinks");
        builder.HasKey(l => l.Id);
        // One ticket per Sentry issue and organization, as Sentry keeps one external issue per (issue, app).
        builder.HasIndex(l => new { l.OrganizationId, l.SentryIssueId }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.ShortId).HasMaxLength(100);
        builder.Property(l => l.ProjectSlug).HasMaxLength(100);
        builder.Property(l => l.WebUrl).HasMaxLength(500);
        builder.Property(l => l.SentryStatus).HasMaxLength(32);
        builder.Property(l => l.LinkedBy).HasMaxLength(200);
        builder.Property(l => l.SentryAssigneeId).HasMaxLength(64);
    }
}
