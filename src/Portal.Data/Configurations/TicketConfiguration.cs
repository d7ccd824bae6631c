using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.ToTable("Tickets");
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => new { t.OrganizationId, t.Number }).IsUnique();

        // The ticket select's search walks an organization's tickets newest first, reading number, status and title
        // from this index alone: no table lookup per ticket, even when the text matches nothing.
        builder.HasIndex(t => new { t.OrganizationId, t.Number, t.Status, t.Title }).HasDatabaseName("IX_Tickets_Choices");
        builder.HasOne(t => t.Organization).WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(t => t.Title).HasMaxLength(Limits.TicketTitle);
        builder.Property(t => t.Description).HasMaxLength(Limits.TicketDescription);
        builder.Property(t => t.AssigneeId).HasMaxLength(64);
        builder.Property(t => t.AssigneeName).HasMaxLength(200);
        builder.Property(t => t.CreatedBy).HasMaxLength(200);
        builder.Property(t => t.SentrySyncError).HasMaxLength(1000);
        builder.Property(t => t.ConcurrencyToken).IsConcurrencyToken();
        builder.Ignore(t => t.IsClosed);
        builder.HasMany(t => t.Links).WithOne(l => l.Ticket).HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.Comments).WithOne().HasForeignKey(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

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

internal sealed class TicketCommentConfiguration : IEntityTypeConfiguration<TicketComment>
{
    public void Configure(EntityTypeBuilder<TicketComment> builder)
    {
        builder.ToTable("TicketComments");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.TicketId, c.SentryCommentId }).IsUnique();
        builder.Property(c => c.Text).HasMaxLength(Limits.CommentText);
        builder.Property(c => c.Author).HasMaxLength(200);
    }
}

internal sealed class OrganizationPersonConfiguration : IEntityTypeConfiguration<OrganizationPerson>
{
    public void Configure(EntityTypeBuilder<OrganizationPerson> builder)
    {
        builder.ToTable("OrganizationPeople");
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.OrganizationId, p.SentryUserId }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.SentryUserId).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(200);
    }
}

internal sealed class AlertRuleTriggerConfiguration : IEntityTypeConfiguration<AlertRuleTrigger>
{
    public void Configure(EntityTypeBuilder<AlertRuleTrigger> builder)
    {
        builder.ToTable("AlertRuleTriggers");
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => new { t.OrganizationId, t.Kind, t.RuleKey, t.SubjectKey }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(t => t.Kind).HasMaxLength(16);
        builder.Property(t => t.RuleKey).HasMaxLength(64);
        builder.Property(t => t.SubjectKey).HasMaxLength(64);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(t => t.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
