"""The one error tree of orggraph.

Every failure the product reports on purpose is an :class:`OrgGraphError` with a stable
``code`` (a dotted, lower-case string that never changes between releases), an English message
and a Chinese message. Leaves also subclass the builtin that fits, so ``except LookupError`` and
``except ValueError`` keep working for callers who do not know this tree::

    OrgGraphError
    ├── ConfigurationError (ValueError)            config.invalid
    │   └── KeyFileError                           config.key-file
    ├── StoreError
    │   ├── StoreFormatError (ValueError)          store.format
    │   ├── StoreKeyMismatchError (ValueError)     store.key-mismatch
    │   ├── StoreCorruptError                      store.corrupt
    │   ├── StoreUnavailableError (ConnectionError) store.unavailable
    │   ├── StoreAuthError (PermissionError)       store.auth
    │   ├── StoreDatabaseMissingError (LookupError) store.database-missing
    │   ├── StoreConstraintError                   store.constraint
    │   └── StaleRevisionError                     store.stale-revision
    ├── UndoError (ValueError)                     undo.refused
    │   └── UndoConflictError                      undo.conflict
    ├── RefusedWriteError (ValueError)             write.refused
    │   ├── SchemaViolationError                   schema.violation
    │   ├── TreeCycleError                         tree.cycle
    │   ├── SecondParentError                      tree.second-parent
    │   ├── SingleLinkError                        link.single
    │   ├── PeriodError                            link.period
    │   └── DanglingReferenceError (LookupError)   ref.dangling
    ├── InvalidValueError (ValueError)             value.invalid
    │   ├── InvalidIdNumberError                   pii.id-number
    │   ├── InvalidPhoneError                      pii.phone
    │   └── InvalidCodeError                       value.code
    ├── RosterError (ValueError)                   roster.invalid
    │   ├── RosterEncodingError                    roster.encoding
    │   ├── RosterFormatError                      roster.format
    │   ├── RosterHeaderError                      roster.header
    │   ├── RosterRejectedError                    roster.rejected
    │   └── RosterTooLargeError                    roster.too-large
    ├── CaseStateError (ValueError)                case.state
    └── NotFoundError (LookupError)                not-found

Driver and file-system errors are translated into this tree at the adapter boundary with
``raise ... from exc``; nothing above the store sees ``sqlite3`` or ``neo4j`` exceptions.
Messages never contain whole ID numbers or phone numbers: callers pass masked values.
"""

from __future__ import annotations

from typing import Any, ClassVar


class OrgGraphError(Exception):
    """Root of every error orggraph raises on purpose (orggraph 错误)."""

    code: ClassVar[str] = "orggraph.error"
    title_zh: ClassVar[str] = "orggraph 错误"

    def __init__(self, message: str, *, message_zh: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or f"{self.title_zh}：{message}"
        self.context = context

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled whole (messages and context), as an import run in a child process sends it back
        return (_rebuilt, (type(self), self.args), self.__dict__)

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data: code, both messages and the context it names."""
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "context": {k: v for k, v in self.context.items() if v is not None},
        }


def _rebuilt(cls: type[OrgGraphError], args: tuple[Any, ...]) -> OrgGraphError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    return error


class ConfigurationError(OrgGraphError, ValueError):
    """A setting or option is missing or wrong (配置错误)."""

    code = "config.invalid"
    title_zh = "配置错误"


class KeyFileError(ConfigurationError):
    """The personal-data key file is missing, unreadable or too open (密钥文件错误)."""

    code = "config.key-file"
    title_zh = "密钥文件错误"


class StoreError(OrgGraphError):
    """The graph store cannot be opened or written (图存储错误)."""

    code = "store.error"
    title_zh = "图存储错误"


class StoreFormatError(StoreError, ValueError):
    """The store file is not an orggraph store, or of a format version this release cannot read."""

    code = "store.format"
    title_zh = "存储格式不受支持"


class StoreKeyMismatchError(StoreError, ValueError):
    """The personal-data key does not belong to this store (密钥与存储不匹配)."""

    code = "store.key-mismatch"
    title_zh = "密钥与存储不匹配"


class StoreCorruptError(StoreError):
    """The store's content fails its integrity check (存储已损坏)."""

    code = "store.corrupt"
    title_zh = "存储已损坏"


class StoreUnavailableError(StoreError, ConnectionError):
    """The store cannot be reached or is locked by another writer (存储不可用)."""

    code = "store.unavailable"
    title_zh = "存储不可用"


class StoreAuthError(StoreError, PermissionError):
    """The graph server refused the user name or password (图数据库认证失败)."""

    code = "store.auth"
    title_zh = "图数据库认证失败"


class StoreDatabaseMissingError(StoreError, LookupError):
    """The graph server has no database of the configured name (图数据库不存在)."""

    code = "store.database-missing"
    title_zh = "图数据库不存在"


class StoreConstraintError(StoreError):
    """The graph server refused a write that breaks one of its constraints (违反图数据库约束)."""

    code = "store.constraint"
    title_zh = "违反图数据库约束"


class StaleRevisionError(StoreError):
    """The store changed since a write was planned on it; plan again (存储已被其他写入更新)."""

    code = "store.stale-revision"
    title_zh = "存储已被其他写入更新"

    @classmethod
    def of(cls, where: str, revision: int, expected: int) -> StaleRevisionError:
        """The error for a store at ``revision`` asked to write a batch planned on ``expected``."""
        return cls(
            f"{where} is at revision {revision}, not {expected} the write was planned on: another write came first",
            message_zh=f"{where} 已更新至第 {revision} 版（本次写入基于第 {expected} 版）：期间有其他写入",
            revision=revision,
            expected=expected,
        )


class UndoError(OrgGraphError, ValueError):
    """An import cannot be undone (无法撤销导入)."""

    code = "undo.refused"
    title_zh = "无法撤销导入"


class UndoConflictError(UndoError):
    """Later imports changed what an undo would put back; undo them first (后续导入修改了相同数据)."""

    code = "undo.conflict"
    title_zh = "后续导入修改了相同数据"


class RefusedWriteError(OrgGraphError, ValueError):
    """A write batch was refused; the store is exactly as it was before (写入被拒绝)."""

    code = "write.refused"
    title_zh = "写入被拒绝"


class SchemaViolationError(RefusedWriteError):
    """A link joins kinds of node that the schema does not allow, or a node changes kind."""

    code = "schema.violation"
    title_zh = "违反图模式"


class TreeCycleError(RefusedWriteError):
    """A containment or Party-hierarchy link would close a cycle (层级成环)."""

    code = "tree.cycle"
    title_zh = "层级关系成环"


class SecondParentError(RefusedWriteError):
    """A node in a tree would get a second parent while the first link is open (重复上级)."""

    code = "tree.second-parent"
    title_zh = "已有上级"


class SingleLinkError(RefusedWriteError):
    """A link kind that allows one open link per node would get a second one (唯一关系冲突)."""

    code = "link.single"
    title_zh = "唯一关系冲突"


class PeriodError(RefusedWriteError):
    """A link period is wrong: ends before it starts, overlaps an earlier one, or is not open."""

    code = "link.period"
    title_zh = "起止日期错误"


class DanglingReferenceError(RefusedWriteError, LookupError):
    """A link names a node that does not exist (引用的节点不存在)."""

    code = "ref.dangling"
    title_zh = "引用的节点不存在"


class InvalidValueError(OrgGraphError, ValueError):
    """A value does not have the form its field needs (数值格式错误)."""

    code = "value.invalid"
    title_zh = "数值格式错误"


class InvalidIdNumberError(InvalidValueError):
    """A personal ID number (公民身份号码) is malformed or fails its GB 11643 check digit."""

    code = "pii.id-number"
    title_zh = "公民身份号码无效"


class InvalidPhoneError(InvalidValueError):
    """A phone number (联系电话) is neither a mainland mobile nor a landline number."""

    code = "pii.phone"
    title_zh = "联系电话无效"


class InvalidCodeError(InvalidValueError):
    """A code (区域编码, 组织编码, 统一社会信用代码 …) is malformed or lost its digits (编码无效)."""

    code = "value.code"
    title_zh = "编码无效"


class RosterError(OrgGraphError, ValueError):
    """A roster file cannot be imported as it is (名册无法导入). ``context`` names file, sheet, row, column."""

    code = "roster.invalid"
    title_zh = "名册无法导入"


class RosterEncodingError(RosterError):
    """The file's text encoding cannot be told, or the given one does not fit (文件编码错误)."""

    code = "roster.encoding"
    title_zh = "文件编码错误"


class RosterFormatError(RosterError):
    """The file is empty, or not a CSV or Excel workbook (文件格式错误)."""

    code = "roster.format"
    title_zh = "文件格式错误"


class RosterHeaderError(RosterError):
    """No header row of a known roster, a required column missing, or an unknown column (表头错误)."""

    code = "roster.header"
    title_zh = "表头错误"


class RosterRejectedError(RosterError):
    """Rows were rejected, so nothing was written (atomic import) (有被拒绝的行，未写入)."""

    code = "roster.rejected"
    title_zh = "有被拒绝的行，未写入"


class RosterTooLargeError(RosterError):
    """More roster rows than the caller allows in one import (名册行数超限)."""

    code = "roster.too-large"
    title_zh = "名册行数超限"


class CaseStateError(OrgGraphError, ValueError):
    """An event a case cannot take in its status (事件状态不允许此操作): accepting a closed case, resolving
    one nobody accepted, rating one twice; the message says the status and what it allows."""

    code = "case.state"
    title_zh = "事件状态不允许此操作"


class NotFoundError(OrgGraphError, LookupError):
    """The thing asked for does not exist (未找到)."""

    code = "not-found"
    title_zh = "未找到"
