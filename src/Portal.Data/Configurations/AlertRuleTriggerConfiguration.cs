using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

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
