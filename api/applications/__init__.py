"""Public applications (依申请公开, 条例第二十七条至第四十五条): the service use cases."""
