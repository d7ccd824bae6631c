using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

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
