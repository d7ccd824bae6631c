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
