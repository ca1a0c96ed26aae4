// Placeholder: replaced as the engine lands.
public enum ShopEngineVersion { public static let string = "0.1.0" }
import CSQLite
import COpenSSL
func _probe() -> Int32 { sqlite3_libversion_number() + Int32(EVP_MAX_MD_SIZE) }
