"""Use cases, one module per procedure step: f(args, uow, actor) -> result objects. No Qt."""
