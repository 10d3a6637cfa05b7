"""Noticeboard: village announcements (a throwaway service proving the kit)."""
