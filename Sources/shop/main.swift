import Foundation
import ShopTUI

exit(ShopCommand.run(Array(CommandLine.arguments.dropFirst())))
