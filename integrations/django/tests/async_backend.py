"""A LocMemCache with the async methods Django 4.0+ gives every backend (Django 3.2, which the tests run on, has
none): aget and friends run the sync method through sync_to_async; aget_or_set, aget_many and aincr are built from
the other async methods, exactly as in Django's BaseCache."""
from asgiref.sync import sync_to_async
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class AsyncLocMemCache(LocMemCache):
    async def aget(self, key, default=None, version=None):
        return await sync_to_async(self.get, thread_sensitive=True)(key, default, version)

    async def aset(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return await sync_to_async(self.set, thread_sensitive=True)(key, value, timeout, version)

    async def aadd(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return await sync_to_async(self.add, thread_sensitive=True)(key, value, timeout, version)

    async def adelete(self, key, version=None):
        return await sync_to_async(self.delete, thread_sensitive=True)(key, version)

    async def aget_many(self, keys, version=None):
        found = {}
        for key in keys:
            value = await self.aget(key, self._missing_key, version=version)
            if value is not self._missing_key:
                found[key] = value
        return found

    async def aget_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = await self.aget(key, self._missing_key, version=version)
        if value is self._missing_key:
            if callable(default):
                default = default()
            await self.aadd(key, default, timeout=timeout, version=version)
            return await self.aget(key, default, version=version)
        return value

    async def ahas_key(self, key, version=None):
        return await self.aget(key, self._missing_key, version=version) is not self._missing_key

    async def aincr(self, key, delta=1, version=None):
        value = await self.aget(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError("Key '%s' not found" % key)
        await self.aset(key, value + delta, version=version)
        return value + delta
